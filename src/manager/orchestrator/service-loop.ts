import { newId as defaultNewId } from "../../ca/ids.ts";
import type { Service__Output } from "../../gen/docker/swarmkit/v1/Service.ts";
import type { LoopComponent, PassResult } from "../control-loop/control-loop.ts";
import { TaskPlan } from "../control-loop/task-changes.ts";
import { writeChanges } from "../control-loop/write-changes.ts";
import type { ReadTx, Store, StoreEvent } from "../store.ts";
import { allocate } from "./allocate.ts";
import { startDelayed } from "./delayed-start.ts";
import { type PassEnv, removeServiceTasks } from "./replicated.ts";
import type { RestartTiming } from "./restart.ts";
import { concernsSlot } from "./task.ts";

export interface ServiceLoopOptions {
  readonly store: Store;
  readonly timing: RestartTiming;
  readonly newId?: () => string;
  readonly now?: () => number;
}

/** What differs between the replicated and the global orchestrator. */
export interface ServiceMode {
  /** The services this orchestrator owns. */
  owns(s: Service__Output | undefined): boolean;
  /** The services a node change concerns. */
  servicesOfNode(tx: ReadTx, nodeId: string): Iterable<string>;
  reconcile(tx: ReadTx, service: Service__Output, plan: TaskPlan, env: PassEnv): void;
  /** Whether this one also removes the tasks of services that no longer exist, when it starts. */
  readonly sweepsOrphans: boolean;
}

/**
 * The shell of an orchestrator (SK orchestrator/replicated, global): collects
 * the services that changes concern (a task's status report only when it may
 * free or fill a slot: `concernsSlot`), reconciles each in a pass and writes the
 * plan. Services with replacements waiting for their delayed start are looked
 * at again in every pass, and the pass asks to be woken when the next is due.
 * New tasks are written PENDING (see `pass`); the allocator still moves any
 * NEW task it sees (one written before, or by another writer).
 */
export class ServiceLoop implements LoopComponent {
  private all = true;
  private readonly dirty = new Set<string>();
  private readonly deleted = new Set<string>();
  private readonly waiting = new Set<string>();
  private readonly newId: () => string;
  private readonly now: () => number;

  constructor(
    private readonly mode: ServiceMode,
    private readonly opts: ServiceLoopOptions,
  ) {
    this.newId = opts.newId ?? (() => defaultNewId());
    this.now = opts.now ?? Date.now;
  }

  reset(): void {
    this.all = true;
    this.dirty.clear();
    this.deleted.clear();
    this.waiting.clear();
  }

  observe(e: StoreEvent): boolean {
    const before = this.dirty.size + this.deleted.size;
    switch (e.kind) {
      case "service":
        if (!this.mode.owns(e.service)) break;
        if (e.action === "delete") this.deleted.add(e.service.id);
        else this.dirty.add(e.service.id);
        break;
      case "task": {
        const t = e.task;
        const concerns = this.opts.store.view(
          (tx) =>
            this.mode.owns(tx.service(t.service_id)) && (e.action === "delete" || concernsSlot(t, (id) => tx.node(id))),
        );
        if (concerns) this.dirty.add(t.service_id);
        break;
      }
      case "node":
        this.opts.store.view((tx) => {
          for (const id of this.mode.servicesOfNode(tx, e.node.id)) this.dirty.add(id);
        });
        break;
      case "cluster":
        break;
    }
    return this.dirty.size + this.deleted.size > before;
  }

  async pass(): Promise<PassResult> {
    const plan = new TaskPlan();
    const env: PassEnv = { newId: this.newId, nowMs: this.now() };
    const wakeAtMs = this.opts.store.view((tx) => this.decide(tx, plan, env));
    // The allocator's step, in this entry: with no networks to allocate, NEW → PENDING would be
    // the same decision one Raft entry later (SwarmKit's allocator only has network work to do).
    for (const t of plan.created()) allocate(t, plan, env.nowMs);
    const changes = plan.size === 0 ? 0 : await writeChanges(this.opts.store, plan.changes());
    return wakeAtMs === undefined ? { changes } : { changes, wakeAtMs };
  }

  private decide(tx: ReadTx, plan: TaskPlan, env: PassEnv): number | undefined {
    const ids = new Set([...this.dirty, ...this.waiting]);
    if (this.all) {
      for (const s of tx.services()) if (this.mode.owns(s)) ids.add(s.id);
      if (this.mode.sweepsOrphans) {
        const orphans = tx.tasks().filter((t) => t.service_id !== "" && !tx.service(t.service_id));
        removeServiceTasks(orphans, plan);
      }
    }
    for (const id of this.deleted) removeServiceTasks(tx.tasksOfService(id), plan);
    this.all = false;
    this.dirty.clear();
    this.deleted.clear();
    let wakeAtMs: number | undefined;
    for (const id of ids) {
      const service = tx.service(id);
      this.waiting.delete(id);
      if (!service || !this.mode.owns(service)) continue;
      this.mode.reconcile(tx, service, plan, env);
      const wake = startDelayed(tx, service, plan, env.nowMs, this.opts.timing);
      if (wake === undefined) continue;
      this.waiting.add(id);
      wakeAtMs = Math.min(wakeAtMs ?? wake, wake);
    }
    return wakeAtMs;
  }
}
