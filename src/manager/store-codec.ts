import { deflateRawSync, inflateRawSync } from "node:zlib";
import { z } from "zod";
import type { Node__Output } from "../gen/docker/swarmkit/v1/Node.ts";
import type { Service__Output } from "../gen/docker/swarmkit/v1/Service.ts";
import type { Task__Output } from "../gen/docker/swarmkit/v1/Task.ts";
import { rpcError } from "../rpc/status.ts";
import type { ClusterObject } from "./cluster-object.ts";
import { type TaskPatch, taskPatch } from "./store-task-patch.ts";
import { resolveSharedFields, SharedFields } from "./store-task-refs.ts";

/**
 * The store's bytes on the Raft log and in Raft snapshots: JSON, with Buffers
 * as {"$bytes": base64}. JSON because the objects are proto-loader's plain
 * `__Output` shapes plus the cluster object (a TypeScript type with no proto
 * message), so one codec covers entries and snapshots, stays readable in a WAL
 * dump, and needs no second schema; the cost is size, which matters little at
 * one entry per transaction. Decoding validates the envelope (zod) and throws
 * on anything else. A task that was in the store is written as a patch (the
 * fields that changed, `store-task-patch.ts`): every member applies entries at
 * the very version they were staged on (`base`), so each holds the same task to
 * patch, and without its `created_at` (the stored task's). The task ops of an
 * entry write once what they share, a spec or a status (`store-task-refs.ts`).
 *
 * Format v2 has those references and omissions; a v1 entry (in WALs written
 * before) has none and decodes as it did. An older member refuses v2 entries
 * rather than store tasks without their spec.
 *
 * An entry of COMPRESS_FROM bytes of JSON or more goes to the log deflated,
 * behind the byte 0x01 (JSON never starts with it): a service's tasks are
 * nearly the same text 200 times (ids, versions and slots apart), and every
 * byte of an entry is sealed, written and fdatasync'd on each member and sent
 * to each follower, so 200 created tasks take 6 KB there, not 70 KB. Smaller
 * entries (a node's update, a status) stay plain JSON, readable in a WAL dump.
 */
export type StoreOp =
  | { readonly op: "putNode"; readonly node: Node__Output }
  | { readonly op: "deleteNode"; readonly id: string }
  | {
      readonly op: "putTask";
      readonly task: Task__Output;
      /** The task it replaces, as staged: the entry then carries a TaskPatch. Never encoded itself. */
      readonly prev?: Task__Output;
    }
  /** Only in decoded entries: a put of a task the store holds, as the fields that changed. */
  | TaskPatch
  | { readonly op: "deleteTask"; readonly id: string }
  | { readonly op: "putService"; readonly service: Service__Output }
  | { readonly op: "deleteService"; readonly id: string }
  | { readonly op: "putCluster"; readonly cluster: ClusterObject };

/** One log entry: a committed transaction's changes, in order, and the version index it ends at. */
export interface StoreEntry {
  readonly version: number;
  /**
   * The version the transaction was staged on (the store's after the entry before it): applied only
   * where the store is at exactly this version, skipped elsewhere (see ReplicatedStore.update).
   * Absent in entries written before proposals were pipelined: applied as they come.
   */
  readonly base?: number;
  readonly ops: readonly StoreOp[];
}

/** Everything the store holds (a Raft snapshot's owner data). */
export interface StoreSnapshot {
  /** The last version index handed out. */
  version: number;
  nodes: Node__Output[];
  tasks: Task__Output[];
  services: Service__Output[];
  cluster: ClusterObject | null;
}

function replacer(this: unknown, key: string, value: unknown): unknown {
  const raw = (this as Record<string, unknown>)[key];
  if (Buffer.isBuffer(raw) || raw instanceof Uint8Array) return { $bytes: Buffer.from(raw).toString("base64") };
  return value;
}

function reviver(_key: string, value: unknown): unknown {
  if (value && typeof value === "object" && !Array.isArray(value)) {
    const o = value as Record<string, unknown>;
    if (typeof o.$bytes === "string" && Object.keys(o).length === 1) return Buffer.from(o.$bytes, "base64");
  }
  return value;
}

const withId = z.object({ id: z.string().min(1) }).passthrough();

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
/*
 * An entry's objects are checked in place: a passthrough object schema copies every field of every task,
 * and each follower decodes thousands of tasks a second while a service is placed (that copy and its
 * garbage were a third of a follower's decoding).
 */
const objectWithId = z.custom<{ id: string }>((v) => isRecord(v) && typeof v.id === "string" && v.id !== "", {
  message: "expected an object with a non-empty string id",
});
const opSchema = z.discriminatedUnion("op", [
  z.object({ op: z.literal("putNode"), node: objectWithId }),
  z.object({ op: z.literal("deleteNode"), id: z.string().min(1) }),
  z.object({ op: z.literal("putTask"), task: objectWithId }),
  z.object({ op: z.literal("deleteTask"), id: z.string().min(1) }),
  z.object({
    op: z.literal("patchTask"),
    id: z.string().min(1),
    meta: z.custom<Record<string, unknown>>(isRecord, { message: "expected an object" }),
    set: z.custom<Record<string, unknown>>((v) => isRecord(v) && !("id" in v) && !("meta" in v), {
      message: "a task patch sets neither id nor meta",
    }),
  }),
  z.object({ op: z.literal("putService"), service: objectWithId }),
  z.object({ op: z.literal("deleteService"), id: z.string().min(1) }),
  z.object({ op: z.literal("putCluster"), cluster: objectWithId }),
]);
const ENTRY_FORMAT = "swarmbus-store-entry/v2";
const entrySchema = z.object({
  format: z.enum(["swarmbus-store-entry/v1", ENTRY_FORMAT]),
  version: z.number().int(),
  base: z.number().int().optional(),
  ops: z.array(opSchema),
});
const snapshotSchema = z.object({
  format: z.literal("swarmbus-store/v1"),
  version: z.number().int().nonnegative(),
  nodes: z.array(withId),
  tasks: z.array(withId),
  // Absent in snapshots written before services existed.
  services: z.array(withId).default([]),
  cluster: withId.nullable(),
});

const enc = new TextEncoder();
const dec = new TextDecoder();

/** JSON this long or longer is deflated (smaller gains little: a WAL record and a message have their own headers). */
export const COMPRESS_FROM = 4096;
const DEFLATED = 0x01;
/** What a deflated entry may inflate to: far above any real one (64 MB of JSON), so hostile bytes cannot take the memory. */
const MAX_ENTRY_JSON = 64 * 2 ** 20;

function packEntry(json: string): Uint8Array {
  const text = enc.encode(json);
  if (text.length < COMPRESS_FROM) return text;
  // Level 1: the repetition is in long runs, which the fastest level finds; higher levels save ~3 % more.
  const packed = deflateRawSync(text, { level: 1 });
  const out = new Uint8Array(packed.length + 1);
  out[0] = DEFLATED;
  out.set(packed, 1);
  return out;
}

/** An entry's JSON text, deflated or not (tests, WAL dumps). Throws an Unknown RpcError on bytes that are neither. */
export function storeEntryJson(bytes: Uint8Array): string {
  if (bytes[0] !== DEFLATED) return dec.decode(bytes);
  try {
    return dec.decode(
      inflateRawSync(Buffer.from(bytes.buffer, bytes.byteOffset + 1, bytes.length - 1), {
        maxOutputLength: MAX_ENTRY_JSON,
      }),
    );
  } catch (e) {
    throw rpcError("Unknown", `store entry is not deflated JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/**
 * Task operations carry no bytes (no field of Task__Output's message tree is
 * `bytes`), so their entries skip the replacer's call per key: the scheduling
 * path writes thousands of them a second.
 */
const bytesFree = (op: StoreOp): boolean => op.op === "putTask" || op.op === "deleteTask" || op.op === "patchTask";

/** The ops as the log carries them: a put of a task that was in the store becomes its patch. */
function wire(ops: readonly StoreOp[]): unknown[] {
  let shared: SharedFields | undefined;
  return ops.map((op, i) => {
    if (op.op !== "putTask") return op;
    const patch = op.prev ? taskPatch(op.prev, op.task) : undefined;
    shared ??= new SharedFields();
    return patch ? { ...patch, set: shared.set(patch.set, i) } : { op: "putTask", task: shared.task(op.task, i) };
  });
}

/** Text with no `"$bytes"` in it holds no encoded Buffer: parsed without the reviver's call per key. */
const BYTES_KEY = '"$bytes"';

function parse(text: string, what: string): unknown {
  try {
    return text.includes(BYTES_KEY) ? JSON.parse(text, reviver) : JSON.parse(text);
  } catch (e) {
    throw rpcError("Unknown", `${what} is not JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
}

export function encodeStoreEntry(e: StoreEntry): Uint8Array {
  const entry = { format: ENTRY_FORMAT, version: e.version, base: e.base, ops: wire(e.ops) };
  return packEntry(e.ops.every(bytesFree) ? JSON.stringify(entry) : JSON.stringify(entry, replacer));
}

export function decodeStoreEntry(bytes: Uint8Array): StoreEntry {
  const r = entrySchema.safeParse(parse(storeEntryJson(bytes), "store entry"));
  if (!r.success) throw rpcError("Unknown", `not a store entry: ${r.error.message}`);
  const wrong = resolveSharedFields(r.data.ops);
  if (wrong !== undefined) throw rpcError("Unknown", `not a store entry: ${wrong}`);
  const ops = r.data.ops as unknown as StoreOp[];
  return r.data.base === undefined
    ? { version: r.data.version, ops }
    : { version: r.data.version, base: r.data.base, ops };
}

export function encodeStoreSnapshot(s: StoreSnapshot): Uint8Array {
  return enc.encode(JSON.stringify({ format: "swarmbus-store/v1", ...s }, replacer));
}

export function decodeStoreSnapshot(bytes: Uint8Array): StoreSnapshot {
  const r = snapshotSchema.safeParse(parse(dec.decode(bytes), "store snapshot"));
  if (!r.success) throw rpcError("Unknown", `not a store snapshot: ${r.error.message}`);
  const { format: _f, ...rest } = r.data;
  return rest as unknown as StoreSnapshot;
}
