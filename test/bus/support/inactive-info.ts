import type { SwarmInfo } from "../../../src/bus/daemon-contract.ts";

/** What `info` answers on a daemon that is in no swarm. */
export const inactiveInfo: SwarmInfo = {
  NodeID: "",
  NodeAddr: "",
  LocalNodeState: "inactive",
  ControlAvailable: false,
  Error: "",
  RemoteManagers: null,
  Nodes: 0,
  Managers: 0,
  Cluster: null,
  Warnings: null,
};
