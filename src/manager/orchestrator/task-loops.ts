import type { AnyActorRef } from "xstate";
import { CONTROL_LOOP_ACTORS } from "../../../machines/control-loop.machine.ts";
import type { TimingProfile } from "../../config/profile.ts";
import type { Log } from "../../log.ts";
import { ControlLoop } from "../control-loop/control-loop.ts";
import { Scheduler } from "../scheduler/scheduler.ts";
import type { Store } from "../store.ts";
import { Allocator } from "./allocator.ts";
import { ConstraintEnforcer } from "./constraint-enforcer.ts";
import { globalOrchestrator, replicatedOrchestrator } from "./orchestrators.ts";
import { TaskReaper } from "./task-reaper.ts";

export interface TaskLoopsOptions {
  readonly store: Store;
  readonly profile: Pick<
    TimingProfile,
    "controlLoopDebounceMs" | "controlLoopMaxLatencyMs" | "restartDelayDefaultMs" | "restartOldTaskTimeoutMs"
  >;
  readonly onActor?: (name: string, actor: AnyActorRef) => void;
  readonly log?: Log;
  readonly newId?: () => string;
  readonly now?: () => number;
}

/** The actor names of the loops, in the order they start. */
export const TASK_LOOP_NAMES = CONTROL_LOOP_ACTORS;

/**
 * The leader-only loops that turn services into placed tasks (SK manager.go
 * becomeLeader: replicated and global orchestrators, allocator, scheduler,
 * task reaper, constraint enforcer), each a controlLoop actor. Each is a LeaderOnly for Leadership's components.
 */
export function taskLoops(opts: TaskLoopsOptions): ControlLoop[] {
  const { store, profile } = opts;
  const extra = { ...(opts.newId ? { newId: opts.newId } : {}), ...(opts.now ? { now: opts.now } : {}) };
  const timing = {
    restartDelayDefaultMs: profile.restartDelayDefaultMs,
    restartOldTaskTimeoutMs: profile.restartOldTaskTimeoutMs,
  };
  const components = {
    "orchestrator-replicated": replicatedOrchestrator({ store, timing, ...extra }),
    "orchestrator-global": globalOrchestrator({ store, timing, ...extra }),
    allocator: new Allocator({ store, ...(opts.now ? { now: opts.now } : {}) }),
    scheduler: new Scheduler({ store, ...(opts.now ? { now: opts.now } : {}) }),
    taskreaper: new TaskReaper({ store }),
    "constraint-enforcer": new ConstraintEnforcer({ store, ...(opts.now ? { now: opts.now } : {}) }),
  };
  return TASK_LOOP_NAMES.map(
    (name) =>
      new ControlLoop({
        name,
        store,
        component: components[name],
        profile,
        ...(opts.onActor ? { onActor: opts.onActor } : {}),
        ...(opts.log ? { log: opts.log } : {}),
        ...(opts.now ? { now: opts.now } : {}),
      }),
  );
}
