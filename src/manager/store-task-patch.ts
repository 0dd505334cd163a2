import type { Task__Output } from "../gen/docker/swarmkit/v1/Task.ts";

type Meta = NonNullable<Task__Output["meta"]>;

/**
 * A task's meta as an entry may carry it: `created_at` is left out where the
 * reader knows it (a patch: the stored task's, which a put of a task the store
 * holds keeps, `Staged.meta`; a created task: its `updated_at`). Entries
 * written before that carry it always, and it is then taken as written.
 */
export type WireMeta = Omit<Meta, "created_at"> & { readonly created_at?: Meta["created_at"] };

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
  readonly meta: WireMeta | null;
  readonly set: Partial<Task__Output>;
}

/** `meta` with `created_at` in the place the store stamps it (after `version`), so followers' objects match. */
export function withCreatedAt(meta: WireMeta, createdAt: Meta["created_at"]): Meta {
  const { version, created_at: _written, ...rest } = meta;
  return { version, created_at: createdAt, ...rest } as Meta;
}

/** `meta` without `created_at` (the reader restores it). */
export function withoutCreatedAt(meta: Meta): WireMeta {
  const { created_at: _known, ...rest } = meta;
  return rest;
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
  // The store keeps the stored task's created_at (the same object) on every later put: the reader has it.
  const keeps = next.meta && next.meta.created_at === prev.meta?.created_at && next.meta.created_at !== undefined;
  const meta = keeps && next.meta ? withoutCreatedAt(next.meta) : next.meta;
  return { op: "patchTask", id: next.id, meta, set: set as Partial<Task__Output> };
}

/** The task a patch makes of the stored one: what every member computes alike, in log order. */
export function patchedTask(stored: Task__Output, p: TaskPatch): Task__Output {
  const meta =
    p.meta && p.meta.created_at === undefined ? withCreatedAt(p.meta, stored.meta?.created_at ?? null) : p.meta;
  return { ...stored, ...p.set, id: stored.id, meta: meta as Task__Output["meta"] };
}
