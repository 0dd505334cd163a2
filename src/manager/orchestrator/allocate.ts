import type { Task__Output } from "../../gen/docker/swarmkit/v1/Task.ts";
import type { TaskPlan } from "../control-loop/task-changes.ts";
import { observed, timestampOf, wantedRunning } from "./task.ts";

export const PENDING_MESSAGE = "pending task scheduling";

/**
 * The allocator's step (SK manager/allocator): a NEW task that is still wanted
 * becomes PENDING, "pending task scheduling". Processes have no networks to
 * allocate, so nothing else happens here.
 */
export function allocate(t: Task__Output, plan: TaskPlan, nowMs: number): void {
  if (observed(t) !== "NEW" || !wantedRunning(t)) return;
  plan.update(t, (cur) => ({
    ...cur,
    status: {
      ...(cur.status as NonNullable<Task__Output["status"]>),
      state: "PENDING",
      message: PENDING_MESSAGE,
      err: "",
      timestamp: timestampOf(nowMs),
    },
  }));
}
