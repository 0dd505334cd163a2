import type { Service__Output } from "../../gen/docker/swarmkit/v1/Service.ts";
import type { Task__Output } from "../../gen/docker/swarmkit/v1/Task.ts";
import type { TaskPlan } from "../control-loop/task-changes.ts";
import { slotKey } from "./restart.ts";
import { observed, stateAbove, stateAtMost, taskTimestampMs } from "./task.ts";

/** SK defaultTaskHistoryRetentionLimit: tasks kept per slot, the live one included. */
export const DEFAULT_TASK_HISTORY = 5;

/** A task that ended, or that will never run (not yet assigned and no longer wanted). */
const finished = (t: Task__Output): boolean =>
  stateAbove(observed(t), "RUNNING") || (stateAtMost(observed(t), "PENDING") && stateAbove(t.desired_state, "RUNNING"));

/**
 * A task to delete now, whatever its slot's history (SK taskreaper): it is to
 * be removed (desired REMOVE: scaled away, or its service deleted, which the
 * orchestrators mark) and it either never reached a node (< ASSIGNED) or
 * stopped (≥ COMPLETE). A task whose service is merely unknown is left alone:
 * it is not this loop's to judge (SK deletes those when an orchestrator starts;
 * here the orchestrator marks them REMOVE then).
 */
export function removable(t: Task__Output): boolean {
  if (t.desired_state !== "REMOVE") return false;
  const s = observed(t);
  return stateAtMost(s, "PENDING") || !stateAtMost(s, "RUNNING");
}

/** The history a slot keeps: the cluster's limit, or MaxAttempts + 1 when the service sets MaxAttempts (the restart supervisor counts on it). */
export function historyLimit(service: Service__Output, clusterLimit: number): number {
  const maxAttempts = Number(service.spec?.task?.restart?.max_attempts ?? "0");
  return maxAttempts > 0 ? maxAttempts + 1 : clusterLimit;
}

/** The key of a task's history: its slot, or its node for a global service. */
export const historyKey = (service: Service__Output | undefined, t: Task__Output): string =>
  `${t.service_id}/${slotKey(service, t)}`;

/**
 * Trims one slot's history to `limit` tasks (SK TaskReaper.tick): the oldest
 * finished tasks go first; live ones are never deleted. A negative limit keeps everything.
 */
export function trimHistory(slot: readonly Task__Output[], limit: number, plan: TaskPlan): void {
  if (limit < 0 || slot.length <= limit) return;
  let keep = slot.length;
  for (const t of [...slot].sort((a, b) => taskTimestampMs(a) - taskTimestampMs(b))) {
    if (keep <= limit) return;
    if (finished(t)) {
      plan.delete(t);
      keep--;
    }
  }
}
