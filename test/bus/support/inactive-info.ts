import type { SwarmInfo } from "../../../src/bus/daemon-contract.ts";

/** What `info` answers on a daemon that is in no swarm. */
export const inactiveInfo: SwarmInfo = {
  NodeID: "",
  NodeAddr: "",
  LocalNodeState: "inactive",
  ControlAvailable: false,
  Error: "",
  RemoteManagers: null,
};
