import type { AnyStateMachine } from "xstate";
import { clusterStateMachine } from "./cluster-state.machine.ts";
import { nodeMachine } from "./node.machine.ts";
import { nodeLivenessMachine } from "./node-liveness.machine.ts";
import { raftMachine } from "./raft.machine.ts";
import { sessionMachine } from "./session.machine.ts";

/** Every machine of swarmbus, by the actor name it runs under (for export and inspection tools). */
export const machines = {
  node: nodeMachine,
  clusterState: clusterStateMachine,
  session: sessionMachine,
  nodeLiveness: nodeLivenessMachine,
  raft: raftMachine,
} as const satisfies Record<string, AnyStateMachine>;

export type MachineName = keyof typeof machines;

export { clusterStateMachine, nodeLivenessMachine, nodeMachine, raftMachine, sessionMachine };
