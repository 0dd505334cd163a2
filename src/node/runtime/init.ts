import type { NodeIdentity } from "../../ca/credentials.ts";
import { newId } from "../../ca/ids.ts";
import { encodeIdentityCertificate } from "../../ca/insecure-credentials.ts";
import { DEFAULT_LISTEN_ADDR } from "../addresses.ts";
import { emptyStartConfig, type StartConfig } from "../start-config-file.ts";
import { writeNodeCertificate } from "../state-dir.ts";
import type { NodeState } from "./node-state.ts";

export interface InitParams {
  listenAddr?: string;
  advertiseAddr?: string;
}

/** The daemon's --listen-addr / --advertise-addr, used when a request gives none. */
export interface DaemonAddrs {
  readonly listenAddr?: string;
  readonly advertiseAddr?: string;
}

/** The start config of `swarm init`. */
export function initStartConfig(p: InitParams, daemon: DaemonAddrs): StartConfig {
  return {
    ...emptyStartConfig(),
    ListenAddr: p.listenAddr ?? daemon.listenAddr ?? DEFAULT_LISTEN_ADDR,
    AdvertiseAddr: p.advertiseAddr ?? daemon.advertiseAddr ?? "",
  };
}

/** SK: the first manager bootstraps: a fresh node ID and cluster ID, a self-issued identity. */
export async function bootstrapIdentity(state: NodeState): Promise<NodeIdentity> {
  const identity: NodeIdentity = { nodeId: newId(), role: "swarm-manager", clusterId: newId() };
  await writeNodeCertificate(state.swarmDir, encodeIdentityCertificate(identity));
  await state.saveStartConfig();
  return identity;
}
