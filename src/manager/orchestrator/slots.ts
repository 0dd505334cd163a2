import type { Task__Output } from "../../gen/docker/swarmkit/v1/Task.ts";
import { shouldRestart } from "./restart.ts";
import { observed, taskTimestampMs, wantedRunning } from "./task.ts";

/** Items grouped by a key, keys in the order first met (tasks by slot or by node, a pass's changes by node). */
export function groupBy<T>(tasks: readonly T[], key: (t: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const t of tasks) {
    const k = key(t);
    const list = out.get(k);
    if (list) list.push(t);
    else out.set(k, [t]);
  }
  return out;
}

/**
 * The tasks that hold a slot (SK Supervisor.UpdatableTasksInSlot): those still
 * wanted (desired ≤ RUNNING); if none, the newest when it will not be
 * restarted (a COMPLETE task under ON_FAILURE, attempts used up): the slot
 * stays taken and is not refilled. Otherwise the slot is free. A task being
 * removed (desired REMOVE) never holds its slot (SwarmKit may count one under
 * restart condition NONE as a live slot and scale down a wrong one).
 */
export function slotHolders(slot: readonly Task__Output[]): Task__Output[] {
  const wanted = slot.filter(wantedRunning);
  if (wanted.length > 0) return wanted;
  let newest: Task__Output | undefined;
  for (const t of slot) if (!newest || taskTimestampMs(t) > taskTimestampMs(newest)) newest = t;
  if (!newest || newest.desired_state === "REMOVE") return [];
  return shouldRestart(newest, slot) ? [] : [newest];
}

export const isRunning = (slot: readonly Task__Output[]): boolean => slot.some((t) => observed(t) === "RUNNING");
