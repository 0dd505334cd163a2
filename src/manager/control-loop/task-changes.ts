import type { Task__Output } from "../../gen/docker/swarmkit/v1/Task.ts";

/**
 * What a control loop decided about tasks, as plain data. An update or a
 * delete carries the task as it was read (`base`): it is applied only if the
 * store still holds that version, so a decision made on a stale read is
 * dropped (the change that made it stale is an event, and the loop runs again).
 */
export type TaskChange =
  | { readonly op: "create"; readonly task: Task__Output }
  | { readonly op: "update"; readonly base: Task__Output; readonly task: Task__Output }
  | { readonly op: "delete"; readonly base: Task__Output };

/**
 * The changes of one pass, kept one per task: a second update of the same
 * task builds on the first (a restart's SHUTDOWN, then a scale-down's REMOVE),
 * and `current` answers with the planned version.
 */
export class TaskPlan {
  private readonly byId = new Map<string, TaskChange>();

  /** The task as this plan leaves it (undefined once deleted). */
  current(t: Task__Output): Task__Output | undefined {
    const c = this.byId.get(t.id);
    if (!c) return t;
    return c.op === "delete" ? undefined : c.task;
  }

  create(task: Task__Output): void {
    this.byId.set(task.id, { op: "create", task });
  }

  update(t: Task__Output, patch: (cur: Task__Output) => Task__Output): void {
    const prior = this.byId.get(t.id);
    if (prior?.op === "delete") return;
    const cur = prior ? prior.task : t;
    const next = patch(cur);
    if (next === cur) return;
    if (prior?.op === "create") this.byId.set(t.id, { op: "create", task: next });
    else this.byId.set(t.id, { op: "update", base: prior?.op === "update" ? prior.base : t, task: next });
  }

  /** Raises the desired state; never lowers it (states only move forward). */
  desire(t: Task__Output, desired: Task__Output["desired_state"], order: (s: string) => number): void {
    this.update(t, (cur) => (order(cur.desired_state) >= order(desired) ? cur : { ...cur, desired_state: desired }));
  }

  delete(t: Task__Output): void {
    const prior = this.byId.get(t.id);
    if (prior?.op === "create") this.byId.delete(t.id);
    else this.byId.set(t.id, { op: "delete", base: prior?.op === "update" ? prior.base : t });
  }

  /** The tasks this plan creates (for the caller's own bookkeeping). */
  created(): Task__Output[] {
    return [...this.byId.values()].flatMap((c) => (c.op === "create" ? [c.task] : []));
  }

  changes(): TaskChange[] {
    return [...this.byId.values()];
  }

  get size(): number {
    return this.byId.size;
  }
}
