import type { Service__Output } from "../../gen/docker/swarmkit/v1/Service.ts";
import type { Task__Output } from "../../gen/docker/swarmkit/v1/Task.ts";
import type { TaskPlan } from "../control-loop/task-changes.ts";
import type { ReadTx } from "../store.ts";
import { taskStateOrder } from "../task-state.ts";
import { type RestartTiming, slotKey, startDue } from "./restart.ts";
import { groupBy } from "./slots.ts";
import { observed, stateAtMost } from "./task.ts";

/**
 * Replacements waiting at desired READY whose delayed start is due move to
 * desired RUNNING (SK Supervisor.StartNow); the others tell when to look
 * again. Returns the earliest such time, if any.
 */
export function startDelayed(
  tx: ReadTx,
  service: Service__Output,
  plan: TaskPlan,
  nowMs: number,
  timing: RestartTiming,
): number | undefined {
  const stored = tx.tasksOfService(service.id);
  const tasks: Task__Output[] = [
    ...stored.flatMap((t) => plan.current(t) ?? []),
    ...plan.created().filter((t) => t.service_id === service.id),
  ];
  const waiting = tasks.filter((t) => t.desired_state === "READY" && stateAtMost(observed(t), "COMPLETE"));
  if (waiting.length === 0) return undefined;
  const bySlot = groupBy(tasks, (t) => slotKey(service, t));
  let wakeAtMs: number | undefined;
  for (const t of waiting) {
    const d = startDue(t, bySlot.get(slotKey(service, t)) ?? [], (id) => tx.node(id), nowMs, timing);
    if (d.start) plan.desire(t, "RUNNING", taskStateOrder);
    else wakeAtMs = Math.min(wakeAtMs ?? d.wakeAtMs, d.wakeAtMs);
  }
  return wakeAtMs;
}
