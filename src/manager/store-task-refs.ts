import type { Task__Output } from "../gen/docker/swarmkit/v1/Task.ts";
import { withCreatedAt, withoutCreatedAt } from "./store-task-patch.ts";

/**
 * Created tasks in bulk, written once per entry what they share. The
 * orchestrator creates up to 200 tasks of a service in one entry, all holding
 * the service's spec, annotations and spec version as the same objects, and
 * statuses and task annotations that are equal; the scheduler's patches of a
 * pass set equal statuses. An entry writes such a field in full at the first
 * task op that has it (in a putTask's task or a patchTask's `set`), and at each
 * later one a reference, `{"$op": i}` in the field's place (op i's field). A field is
 * shared when it is the same object as one written before (===), or equal to
 * the last one written in full (same keys in the same order, same values: the
 * same JSON). A reader puts that very object back, so followers share it (the
 * objects are immutable) and each task keeps its key order. A created task's
 * `created_at` is its `updated_at` (one stamp, `Staged.meta`): left out, and
 * restored from it. What is shared depends on the ops alone, so the same ops
 * always give the same bytes.
 */
export const REF = "$op";

type Fields = Record<string, unknown>;

const isObject = (v: unknown): v is object => typeof v === "object" && v !== null;

const plain = (v: object): boolean => {
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === Array.prototype || proto === null;
};

/** Whether `a` and `b` are written as the same JSON (plain objects and arrays only; NaN never). */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (!isObject(a) || !isObject(b) || Array.isArray(a) !== Array.isArray(b) || !plain(a) || !plain(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  for (let j = 0; j < ka.length; j++) {
    const k = ka[j] as string;
    if (k !== kb[j] || !sameJson((a as Fields)[k], (b as Fields)[k])) return false;
  }
  return true;
}

/** Encoder state for one entry: which objects were written in full, by field and op index. */
export class SharedFields {
  private readonly firstAt = new Map<string, Map<object, number>>();
  /** Per field, the object last written in full and its op. */
  private readonly last = new Map<string, { readonly value: object; readonly at: number }>();

  /** The task of op `i` (a putTask) as the entry carries it. */
  task(task: Task__Output, i: number): Fields {
    const out = this.fields(task, i);
    const meta = task.meta;
    if (meta && meta.created_at === meta.updated_at && meta.created_at) out.meta = withoutCreatedAt(meta);
    return out;
  }

  /** A patch's `set` (op `i`) as the entry carries it. */
  set(set: Partial<Task__Output>, i: number): Fields {
    return this.fields(set, i);
  }

  private fields(fields: object, i: number): Fields {
    const out: Fields = { ...fields };
    for (const k of Object.keys(out)) {
      const v = out[k];
      if (k === "meta" || !isObject(v)) continue;
      let byObject = this.firstAt.get(k);
      if (!byObject) {
        byObject = new Map();
        this.firstAt.set(k, byObject);
      }
      let at = byObject.get(v);
      if (at === undefined) {
        const last = this.last.get(k);
        if (last && sameJson(last.value, v)) at = last.at;
        byObject.set(v, at ?? i);
      }
      if (at === undefined) this.last.set(k, { value: v, at: i });
      else out[k] = { [REF]: at };
    }
    return out;
  }
}

type WireOp = { op: string; task?: Fields; set?: Fields };

/** Where an op holds its task's fields: a putTask's task, a patchTask's `set`. */
const fieldsOf = (op: WireOp): Fields | undefined =>
  op.op === "putTask" ? op.task : op.op === "patchTask" ? op.set : undefined;

/**
 * Puts the shared objects back into the task ops of a decoded entry, in place
 * (the ops are the parser's fresh objects), and a created task's created_at.
 * Returns what is wrong with a reference, or undefined: one names an earlier
 * putTask or patchTask op that has that field as an object, and is nothing else.
 */
export function resolveSharedFields(ops: readonly unknown[]): string | undefined {
  for (let i = 0; i < ops.length; i++) {
    const op = ops[i] as WireOp;
    const fields = fieldsOf(op);
    if (!fields) continue;
    for (const k of Object.keys(fields)) {
      const v = fields[k];
      if (!isObject(v) || !Object.hasOwn(v, REF)) continue;
      const at = (v as Fields)[REF];
      if (Object.keys(v).length !== 1 || typeof at !== "number" || !Number.isInteger(at) || at < 0 || at >= i) {
        return `op ${i}: task field ${k} refers to ${JSON.stringify(v)}, not to an earlier op`;
      }
      const target = ops[at] as WireOp;
      const shared = fieldsOf(target)?.[k];
      if (!isObject(shared)) return `op ${i}: task field ${k} refers to op ${at}, a ${target.op} without ${k}`;
      fields[k] = shared;
    }
    const meta = op.op === "putTask" ? fields.meta : undefined;
    if (isObject(meta) && (meta as Fields).created_at === undefined && (meta as Fields).updated_at !== undefined) {
      const m = meta as NonNullable<Task__Output["meta"]>;
      fields.meta = withCreatedAt(m, m.updated_at);
    }
  }
  return undefined;
}
