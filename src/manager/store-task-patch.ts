import type { Task__Output } from "../gen/docker/swarmkit/v1/Task.ts";

/**
 * A task's change as its log entry carries it when the task was already in
 * the store: its new meta and the top-level fields that are not the same
 * object as before. Nearly every task write after the first (the scheduler's
 * node and status, the agents' status reports, a desired state) replaces one
 * or two fields of an otherwise shared object, so the entry holds those and
 * not the spec, annotations and ids again: about half a full task's bytes.
 */
export interface TaskPatch {
  readonly op: "patchTask";
  readonly id: string;
  readonly meta: Task__Output["meta"];
  readonly set: Partial<Task__Output>;
}

/** The patch from `prev` to `next` (same id), or undefined when a field went away (only a full put says that). */
export function taskPatch(prev: Task__Output, next: Task__Output): TaskPatch | undefined {
  const set: Record<string, unknown> = {};
  const was = prev as unknown as Record<string, unknown>;
  const now = next as unknown as Record<string, unknown>;
  for (const k of Object.keys(was)) if (now[k] === undefined && was[k] !== undefined) return undefined;
  for (const k of Object.keys(now)) {
    if (k === "meta" || k === "id" || now[k] === was[k] || now[k] === undefined) continue;
    set[k] = now[k];
  }
  return { op: "patchTask", id: next.id, meta: next.meta, set: set as Partial<Task__Output> };
}

/** The task a patch makes of the stored one: what every member computes alike, in log order. */
export function patchedTask(stored: Task__Output, p: TaskPatch): Task__Output {
  return { ...stored, ...p.set, id: stored.id, meta: p.meta };
}
