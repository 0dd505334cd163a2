import type { Message } from "protobufjs";
import { protoRoot } from "../src/rpc/proto-root.ts";

/**
 * How the simulated agents read their Assignments streams. Every message is
 * decoded in full (protobufjs, every field of every task), but not turned
 * into proto-loader's plain objects with defaults, enum names and 64-bit
 * strings: 1,000 agents share one load process, and that conversion of
 * 10,000 tasks was its largest single cost, CPU taken from the swarm under
 * test on the same cores. A real agent has a process of its own and uses
 * proto-loader (src/agent).
 */
export interface SimAssignmentChange {
  readonly action: "UPDATE" | "REMOVE";
  readonly taskId: string;
  readonly desiredState: string;
}

const requestType = protoRoot.lookupType("docker.swarmkit.v1.AssignmentsRequest");
const messageType = protoRoot.lookupType("docker.swarmkit.v1.AssignmentsMessage");
const actions = protoRoot.lookupEnum("docker.swarmkit.v1.AssignmentChange.AssignmentAction").valuesById;
const taskStates = protoRoot.lookupEnum("docker.swarmkit.v1.TaskState").valuesById;

export const ASSIGNMENTS_PATH = "/docker.swarmkit.v1.Dispatcher/Assignments";

export const serializeAssignmentsRequest = (req: { session_id: string }): Buffer =>
  Buffer.from(requestType.encode(requestType.create(req)).finish());

interface Decoded extends Message {
  changes?: { action?: number; assignment?: { task?: { id?: string; desired_state?: number } } }[];
}

/** The changes of one message; a change without a task (a secret or a config) has an empty task ID. */
export function decodeSimAssignments(buf: Buffer): SimAssignmentChange[] {
  const msg = messageType.decode(buf) as Decoded;
  return (msg.changes ?? []).map((c) => ({
    action: actions[c.action ?? 0] === "REMOVE" ? "REMOVE" : "UPDATE",
    taskId: c.assignment?.task?.id ?? "",
    desiredState: taskStates[c.assignment?.task?.desired_state ?? 0] ?? "",
  }));
}
