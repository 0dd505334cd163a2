import { type Actor, type AnyActorRef, createActor } from "xstate";
import { controlLoopMachine } from "../../../machines/control-loop.machine.ts";
import type { TimingProfile } from "../../config/profile.ts";
import type { Task__Output } from "../../gen/docker/swarmkit/v1/Task.ts";
import { defaultLog, type Log } from "../../log.ts";
import { toRpcError } from "../../rpc/status.ts";
import type { LeaderOnly } from "../leadership.ts";
import type { Store, StoreEvent } from "../store.ts";

export type ControlLoopActor = Actor<typeof controlLoopMachine>;

export interface PassResult {
  /** Store changes written. */
  readonly changes: number;
  /** A time (ms since the epoch) the component wants another pass at, with no store change before (a restart delay). */
  readonly wakeAtMs?: number;
}

/** What a control loop runs: it watches the store's changes and acts on them in passes. */
export interface LoopComponent {
  /** The loop starts (this member became leader): forget what a former run collected; the first pass looks at everything. */
  reset(): void;
  /** One applied store change, in commit order; true when it calls for a pass. */
  observe(e: StoreEvent): boolean;
  /** Decides on what it collected and writes the decisions. */
  pass(): Promise<PassResult>;
  /**
   * A task this leader is writing and has not committed (a loop that plans through
   * `Store.viewStaged` only); true when it calls for a pass.
   */
  observeInFlight?(t: Task__Output): boolean;
}

export interface ControlLoopOptions {
  /** The actor's name (`scheduler`, `orchestrator-replicated`…). */
  readonly name: string;
  readonly store: Store;
  readonly component: LoopComponent;
  readonly profile: Pick<TimingProfile, "controlLoopDebounceMs" | "controlLoopMaxLatencyMs">;
  readonly onActor?: (name: string, actor: AnyActorRef) => void;
  readonly log?: Log;
  readonly now?: () => number;
}

/**
 * The shell of a controlLoop actor: runs while this manager leads (a
 * LeaderOnly), feeds it the store's changes and performs its passes. A pass
 * that asks to be woken at a later time (a restart delay) gets a timer; a pass
 * that fails is followed, after maxLatency, by one that looks at everything.
 */
export class ControlLoop implements LeaderOnly {
  private actor: ControlLoopActor | undefined;
  private unwatch: (() => void) | undefined;
  private wake: NodeJS.Timeout | undefined;
  /** Bumped by stop: a pass of an earlier run reports to no one. */
  private run = 0;
  private readonly log: Log;
  private readonly now: () => number;

  constructor(private readonly opts: ControlLoopOptions) {
    this.log = opts.log ?? defaultLog();
    this.now = opts.now ?? Date.now;
  }

  /** The running actor (undefined while this member does not lead). */
  get current(): ControlLoopActor | undefined {
    return this.actor;
  }

  start(): void {
    if (this.actor) return;
    const run = ++this.run;
    const machine = controlLoopMachine.provide({
      actions: { runPass: () => this.runPass(run) },
      delays: {
        debounce: this.opts.profile.controlLoopDebounceMs,
        maxLatency: this.opts.profile.controlLoopMaxLatencyMs,
      },
    });
    const actor = createActor(machine, { id: this.opts.name });
    this.actor = actor;
    this.opts.component.reset();
    actor.start();
    this.opts.onActor?.(this.opts.name, actor);
    // One CHANGED per applied entry (its events arrive in one synchronous run), not one per change:
    // a tick of the store, as SwarmKit's EventCommit, and no transition to publish per task.
    let told = false;
    const changed = () => {
      if (told) return;
      told = true;
      queueMicrotask(() => {
        told = false;
        if (run === this.run) actor.send({ type: "CHANGED" });
      });
    };
    const { component, store } = this.opts;
    const unwatch = store.watch((e) => {
      if (component.observe(e)) changed();
    });
    const unwatchInFlight = component.observeInFlight
      ? store.watchInFlightTasks((t) => {
          if (component.observeInFlight?.(t)) changed();
        })
      : undefined;
    this.unwatch = () => {
      unwatch();
      unwatchInFlight?.();
    };
    actor.send({ type: "CHANGED" });
  }

  stop(): void {
    this.run++;
    this.unwatch?.();
    this.unwatch = undefined;
    clearTimeout(this.wake);
    this.wake = undefined;
    this.actor?.stop();
    this.actor = undefined;
  }

  private runPass(run: number): void {
    // Deferred: the action runs inside the actor's transition, and a pass may answer at once.
    queueMicrotask(() => {
      if (run !== this.run) return;
      this.opts.component.pass().then(
        (r) => {
          if (run !== this.run) return;
          this.armWake(r.wakeAtMs);
          this.actor?.send({ type: "PASS_DONE", changes: r.changes });
        },
        (e: unknown) => {
          if (run !== this.run) return;
          const error = toRpcError(e).message;
          this.log.warn({ loop: this.opts.name, err: error }, "manager: control loop pass failed");
          // What the pass had collected is gone with it: look at everything again, after a pause.
          this.opts.component.reset();
          this.armWake(this.now() + this.opts.profile.controlLoopMaxLatencyMs);
          this.actor?.send({ type: "PASS_FAILED", error });
        },
      );
    });
  }

  private armWake(atMs: number | undefined): void {
    clearTimeout(this.wake);
    this.wake = undefined;
    if (atMs === undefined) return;
    const run = this.run;
    this.wake = setTimeout(
      () => {
        if (run === this.run) this.actor?.send({ type: "CHANGED" });
      },
      Math.max(0, atMs - this.now()),
    );
  }
}
