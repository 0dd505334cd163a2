import type { AnyStateMachine } from "xstate";
import { clusterStateMachine, clusterStateRemoteEvents } from "./cluster-state.machine.ts";
import { nodeMachine, nodeRemoteEvents } from "./node.machine.ts";
import { nodeLivenessMachine, nodeLivenessRemoteEvents } from "./node-liveness.machine.ts";
import { raftMachine, raftRemoteEvents } from "./raft.machine.ts";
import type { RemoteEvents } from "./remote-events.ts";
import { sessionMachine, sessionRemoteEvents } from "./session.machine.ts";
import { taskMachine, taskRemoteEvents } from "./task.machine.ts";

/** Every machine of swarmbus, by the actor name it runs under (for export and inspection tools). */
export const machines = {
  node: nodeMachine,
  clusterState: clusterStateMachine,
  session: sessionMachine,
  nodeLiveness: nodeLivenessMachine,
  raft: raftMachine,
  task: taskMachine,
} as const satisfies Record<string, AnyStateMachine>;

export type MachineName = keyof typeof machines;

/** What each machine takes from a sender on the bus (declared beside the machine), by machine name = machine id. */
export const remoteEvents: Readonly<Record<MachineName, RemoteEvents>> = {
  node: nodeRemoteEvents,
  clusterState: clusterStateRemoteEvents,
  session: sessionRemoteEvents,
  nodeLiveness: nodeLivenessRemoteEvents,
  raft: raftRemoteEvents,
  task: taskRemoteEvents,
};

export type { RemoteEvents } from "./remote-events.ts";
export { NO_REMOTE_EVENTS } from "./remote-events.ts";
export { clusterStateMachine, nodeLivenessMachine, nodeMachine, raftMachine, sessionMachine, taskMachine };
