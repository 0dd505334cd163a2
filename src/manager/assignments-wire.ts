import protobuf from "protobufjs";
import type { AssignmentsMessage } from "../gen/docker/swarmkit/v1/AssignmentsMessage.ts";
import type { Task } from "../gen/docker/swarmkit/v1/Task.ts";
import { protoRoot } from "../rpc/proto-root.ts";

/**
 * The Assignments stream's bytes. proto-loader's serializer rebuilds each
 * message from its plain object and encodes it whole; a big service's tasks
 * all hold the same TaskSpec object (per service version), which is most of
 * each task's bytes, so sending 10,000 tasks encoded that spec 10,000 times
 * (the largest part of the leader's work after scheduling them). Here a spec
 * is encoded once, kept while its object lives (store objects are immutable),
 * and its bytes written into each task; the rest of each task is encoded as
 * proto-loader does. Fields may come in any order on the wire, so a decoder
 * reads the same message.
 */
const taskType = protoRoot.lookupType("docker.swarmkit.v1.Task");
const specType = protoRoot.lookupType("docker.swarmkit.v1.TaskSpec");
const messageType = protoRoot.lookupType("docker.swarmkit.v1.AssignmentsMessage");
const changeType = protoRoot.lookupType("docker.swarmkit.v1.AssignmentChange");
const assignmentType = protoRoot.lookupType("docker.swarmkit.v1.Assignment");

function fieldId(type: protobuf.Type, name: string): number {
  const f = type.fields[name];
  if (!f) throw new Error(`proto/: ${type.name} has no field ${name}`);
  return f.id;
}

/** An enum field's number for a value given by name or number (absent: 0, proto3's default). */
function enumValue(type: protobuf.Type, field: string, value: string | number | undefined): number {
  if (value === undefined) return 0;
  if (typeof value === "number") return value;
  const e = type.fields[field]?.resolvedType;
  const v = e instanceof protobuf.Enum ? e.values[value] : undefined;
  if (v === undefined) throw new Error(`${type.name}.${field} has no value ${value}`);
  return v;
}

const LEN = 2;
const VARINT = 0;
const tag = (id: number, wire: number) => (id << 3) | wire;
const SPEC = tag(fieldId(taskType, "spec"), LEN);
const TYPE = fieldId(messageType, "type");
const APPLIES_TO = tag(fieldId(messageType, "applies_to"), LEN);
const RESULTS_IN = tag(fieldId(messageType, "results_in"), LEN);
const CHANGES = tag(fieldId(messageType, "changes"), LEN);
const ASSIGNMENT = tag(fieldId(changeType, "assignment"), LEN);
const ACTION = fieldId(changeType, "action");
const TASK = tag(fieldId(assignmentType, "task"), LEN);

const specBytes = new WeakMap<object, Uint8Array>();

function encodedSpec(spec: object): Uint8Array {
  let b = specBytes.get(spec);
  if (!b) {
    b = specType.encode(specType.fromObject(spec)).finish();
    specBytes.set(spec, b);
  }
  return b;
}

function writeTask(w: protobuf.Writer, task: Task): void {
  const { spec, ...rest } = task;
  w.uint32(TASK).fork();
  taskType.encode(taskType.fromObject(rest), w);
  if (spec) w.uint32(SPEC).bytes(encodedSpec(spec));
  w.ldelim();
}

/** The message's bytes (the grpc-js response serializer of Dispatcher.Assignments). */
export function encodeAssignmentsMessage(msg: AssignmentsMessage): Buffer {
  const w = protobuf.Writer.create();
  const type = enumValue(messageType, "type", msg.type);
  if (type !== 0) w.uint32(tag(TYPE, VARINT)).int32(type);
  if (msg.applies_to) w.uint32(APPLIES_TO).string(msg.applies_to);
  if (msg.results_in) w.uint32(RESULTS_IN).string(msg.results_in);
  for (const c of msg.changes ?? []) {
    w.uint32(CHANGES).fork();
    if (c.assignment) {
      w.uint32(ASSIGNMENT).fork();
      if (c.assignment.task) writeTask(w, c.assignment.task);
      w.ldelim();
    }
    const action = enumValue(changeType, "action", c.action);
    if (action !== 0) w.uint32(tag(ACTION, VARINT)).int32(action);
    w.ldelim();
  }
  return Buffer.from(w.finish());
}
