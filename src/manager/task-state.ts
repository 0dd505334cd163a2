import type { TaskState__Output } from "../gen/docker/swarmkit/v1/TaskState.ts";

/** TaskState numbers (SK: api/types.proto); states are compared numerically and never go backwards. */
export const TASK_STATE_ORDER: Record<TaskState__Output, number> = {
  NEW: 0,
  PENDING: 64,
  ASSIGNED: 192,
  ACCEPTED: 256,
  PREPARING: 320,
  READY: 384,
  STARTING: 448,
  RUNNING: 512,
  COMPLETE: 576,
  SHUTDOWN: 640,
  FAILED: 704,
  REJECTED: 768,
  REMOVE: 800,
  ORPHANED: 832,
};

export function taskStateOrder(state: string): number {
  return (TASK_STATE_ORDER as Record<string, number | undefined>)[state] ?? -1;
}
