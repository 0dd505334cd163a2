import protobuf from "protobufjs";
import type { AssignmentsMessage } from "../gen/docker/swarmkit/v1/AssignmentsMessage.ts";
import type { Task } from "../gen/docker/swarmkit/v1/Task.ts";
import { protoRoot } from "../rpc/proto-root.ts";
import { sameJson } from "./store-task-refs.ts";

/**
 * The Assignments stream's bytes. proto-loader's serializer rebuilds each
 * message from its plain object and encodes it whole; a big service's tasks
 * share most of what they hold as the same objects (the TaskSpec of a service
 * version, its annotations and spec version, the status a scheduler pass gave
 * them), so sending 10,000 tasks encoded the same spec 10,000 times, the
 * largest part of the leader's work in sending them. Here each object field of
 * a task is encoded once, kept while its object lives (store objects are
 * immutable), and its bytes written into every task that holds it; the
 * scalars are written as proto-loader would. A decoder reads the same message.
 */
const taskType = protoRoot.lookupType("docker.swarmkit.v1.Task");
const messageType = protoRoot.lookupType("docker.swarmkit.v1.AssignmentsMessage");
const changeType = protoRoot.lookupType("docker.swarmkit.v1.AssignmentChange");
const assignmentType = protoRoot.lookupType("docker.swarmkit.v1.Assignment");

function field(type: protobuf.Type, name: string): protobuf.Field {
  const f = type.fields[name];
  if (!f) throw new Error(`proto/: ${type.name} has no field ${name}`);
  return f;
}

type EnumValue = string | number | null | undefined;

/** An enum field's numbers by name, looked up once: the lookup gives a value by name or number (absent: 0, proto3's default). */
function enumOf(type: protobuf.Type, name: string): (value: EnumValue) => number {
  const e = field(type, name).resolvedType;
  if (!(e instanceof protobuf.Enum)) throw new Error(`proto/: ${type.name}.${name} is not an enum`);
  const values = e.values;
  return (value) => {
    if (value === undefined || value === null) return 0;
    if (typeof value === "number") return value;
    const v = values[value];
    if (v === undefined) throw new Error(`${type.name}.${name} has no value ${value}`);
    return v;
  };
}

const LEN = 2;
const VARINT = 0;
const tag = (type: protobuf.Type, name: string, wire: number) => (field(type, name).id << 3) | wire;
const TYPE = tag(messageType, "type", VARINT);
const APPLIES_TO = tag(messageType, "applies_to", LEN);
const RESULTS_IN = tag(messageType, "results_in", LEN);
const CHANGES = tag(messageType, "changes", LEN);
const ASSIGNMENT = tag(changeType, "assignment", LEN);
const ACTION = tag(changeType, "action", VARINT);
const TASK = tag(assignmentType, "task", LEN);
const messageTypeValue = enumOf(messageType, "type");
const actionValue = enumOf(changeType, "action");

type TaskFields = Omit<Task, "desired_state"> & { desired_state?: string | number | null };
type SharedField = "spec" | "annotations" | "service_annotations" | "status" | "spec_version";

/**
 * One message type's encodings, kept by object (while it lives) and for the
 * last value encoded: tasks of one service hold the same spec object, and the
 * tasks of one scheduler pass equal statuses (one object each).
 */
class SharedEncoder {
  private readonly seen = new WeakMap<object, Uint8Array>();
  private last: { readonly value: object; readonly bytes: Uint8Array } | undefined;
  constructor(readonly type: protobuf.Type) {}

  bytes(value: object): Uint8Array {
    const seen = this.seen.get(value);
    if (seen) return seen;
    const last = this.last;
    // Equal to the last one (a pass's statuses, each task's own object): its bytes, nothing kept for it.
    if (last && sameJson(last.value, value)) return last.bytes;
    const bytes = this.type.encode(this.type.fromObject(value)).finish();
    this.seen.set(value, bytes);
    this.last = { value, bytes };
    return bytes;
  }
}

function messageField(type: protobuf.Type, name: string): { tag: number; type: protobuf.Type } {
  const f = field(type, name);
  if (!(f.resolvedType instanceof protobuf.Type)) throw new Error(`proto/: ${type.name}.${name} is not a message`);
  return { tag: (f.id << 3) | LEN, type: f.resolvedType };
}

const sharedFields = (["spec", "annotations", "service_annotations", "status", "spec_version"] as const).map(
  (name: SharedField) => {
    const f = messageField(taskType, name);
    return { name, tag: f.tag, encoder: new SharedEncoder(f.type) };
  },
);
// A task's meta is its own (its version): written here, its timestamps shared.
const META = messageField(taskType, "meta");
const VERSION = messageField(META.type, "version");
const INDEX = tag(VERSION.type, "index", VARINT);
const CREATED_AT = messageField(META.type, "created_at");
const UPDATED_AT = messageField(META.type, "updated_at");
const SECONDS = tag(CREATED_AT.type, "seconds", VARINT);
const NANOS = tag(CREATED_AT.type, "nanos", VARINT);
// Every other field is one of these scalars; a field added to proto/ must be written here too.
const ID = tag(taskType, "id", LEN);
const SERVICE_ID = tag(taskType, "service_id", LEN);
const SLOT = tag(taskType, "slot", VARINT);
const NODE_ID = tag(taskType, "node_id", LEN);
const DESIRED_STATE = tag(taskType, "desired_state", VARINT);
const desiredStateValue = enumOf(taskType, "desired_state");
function writesEvery(type: protobuf.Type, names: readonly string[]): void {
  for (const name of Object.keys(type.fields)) {
    if (!names.includes(name)) throw new Error(`assignments-wire: ${type.name}.${name} (proto/) is not written`);
  }
}
writesEvery(taskType, [
  ...sharedFields.map((f) => f.name),
  "meta",
  "id",
  "service_id",
  "slot",
  "node_id",
  "desired_state",
]);
writesEvery(META.type, ["version", "created_at", "updated_at"]);
writesEvery(VERSION.type, ["index"]);
writesEvery(CREATED_AT.type, ["seconds", "nanos"]);

type Int64 = Parameters<protobuf.Writer["uint64"]>[0];
/** A 64-bit field as the writer takes it fastest: decimal text of up to 15 digits is an exact number (Long.fromString is slow). */
const int64 = (v: Int64): Int64 => (typeof v === "string" && v.length <= 15 ? Number(v) : v);

/** The value, or undefined when proto3 leaves it out (absent, or zero). */
const nonZero = (n: Int64 | null | undefined): Int64 | undefined =>
  n === undefined || n === null || String(n) === "0" ? undefined : n;

function writeTimestamp(
  w: protobuf.Writer,
  fieldTag: number,
  ts: { seconds?: Int64 | null; nanos?: number | null },
): void {
  w.uint32(fieldTag).fork();
  const seconds = nonZero(ts.seconds);
  if (seconds !== undefined) w.uint32(SECONDS).int64(int64(seconds));
  if (ts.nanos) w.uint32(NANOS).int32(ts.nanos);
  w.ldelim();
}

function writeMeta(w: protobuf.Writer, meta: NonNullable<Task["meta"]>): void {
  w.uint32(META.tag).fork();
  if (meta.version) {
    w.uint32(VERSION.tag).fork();
    const index = nonZero(meta.version.index);
    if (index !== undefined) w.uint32(INDEX).uint64(int64(index));
    w.ldelim();
  }
  if (meta.created_at) writeTimestamp(w, CREATED_AT.tag, meta.created_at);
  if (meta.updated_at) writeTimestamp(w, UPDATED_AT.tag, meta.updated_at);
  w.ldelim();
}

function writeTask(w: protobuf.Writer, task: TaskFields): void {
  w.uint32(TASK).fork();
  if (task.id) w.uint32(ID).string(task.id);
  if (task.meta) writeMeta(w, task.meta);
  for (const f of sharedFields) {
    const v = task[f.name];
    if (v) w.uint32(f.tag).bytes(f.encoder.bytes(v));
  }
  if (task.service_id) w.uint32(SERVICE_ID).string(task.service_id);
  const slot = nonZero(task.slot);
  if (slot !== undefined) w.uint32(SLOT).uint64(int64(slot));
  if (task.node_id) w.uint32(NODE_ID).string(task.node_id);
  const desired = desiredStateValue(task.desired_state);
  if (desired !== 0) w.uint32(DESIRED_STATE).int32(desired);
  w.ldelim();
}

/** The message's bytes (the grpc-js response serializer of Dispatcher.Assignments). */
export function encodeAssignmentsMessage(msg: AssignmentsMessage): Buffer {
  const w = protobuf.Writer.create();
  const type = messageTypeValue(msg.type);
  if (type !== 0) w.uint32(TYPE).int32(type);
  if (msg.applies_to) w.uint32(APPLIES_TO).string(msg.applies_to);
  if (msg.results_in) w.uint32(RESULTS_IN).string(msg.results_in);
  for (const c of msg.changes ?? []) {
    w.uint32(CHANGES).fork();
    if (c.assignment) {
      w.uint32(ASSIGNMENT).fork();
      if (c.assignment.task) writeTask(w, c.assignment.task);
      w.ldelim();
    }
    const action = actionValue(c.action);
    if (action !== 0) w.uint32(ACTION).int32(action);
    w.ldelim();
  }
  const bytes = w.finish();
  // protobufjs's writer gives a Buffer under Node; a view otherwise (no copy either way).
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
}
