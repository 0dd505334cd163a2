import type { NodeIdentity } from "../../ca/credentials.ts";
import { requestNodeIdentity } from "../../ca/join.ts";
import type { TimingProfile } from "../../config/profile.ts";
import { RpcError, toRpcError } from "../../rpc/status.ts";
import { DEFAULT_LISTEN_ADDR } from "../addresses.ts";
import { errNodeStartCancelled } from "../errors.ts";
import { emptyStartConfig, type StartConfig } from "../start-config-file.ts";
import { writeNodeKeyPair, writeRootCACertificate } from "../state-dir.ts";
import type { DaemonAddrs, InitParams } from "./init.ts";
import type { NodeState } from "./node-state.ts";

export interface JoinParams extends InitParams {
  token: string;
  remoteAddr: string;
}

/** The start config of `swarm join`: JoinInProgress until the node is ready. */
export function joinStartConfig(p: JoinParams, daemon: DaemonAddrs): StartConfig {
  return {
    ...emptyStartConfig(),
    RemoteAddr: p.remoteAddr,
    ListenAddr: p.listenAddr ?? daemon.listenAddr ?? DEFAULT_LISTEN_ADDR,
    AdvertiseAddr: p.advertiseAddr ?? daemon.advertiseAddr ?? "",
    JoinInProgress: true,
  };
}

/** The identity the cluster's CA issues for the join token, saved as the node certificate. */
export async function joinIdentity(
  state: NodeState,
  join: JoinParams,
  profile: TimingProfile,
  signal: AbortSignal,
): Promise<NodeIdentity> {
  await state.saveStartConfig();
  // SK: node.New observes the join address (with no node ID yet) and persists it.
  await state.managersFile.save([{ NodeID: "", Addr: join.remoteAddr }]);
  const nkey = await state.bus.key();
  const issued = await requestNodeIdentity({
    remoteAddr: join.remoteAddr,
    token: join.token,
    natsUserKey: nkey.publicKey,
    profile,
    signal,
    log: state.log,
  }).catch((e: unknown) => {
    throw asNodeError(e);
  });
  if (signal.aborted) throw errNodeStartCancelled();
  // SK loadSecurityConfig: the root CA (verified against the token) is saved, then the node's key and certificate.
  await writeRootCACertificate(state.swarmDir, issued.rootCACertificate);
  await writeNodeKeyPair(state.swarmDir, issued.certificate, issued.key);
  await state.bus.save(issued.identity, issued.natsUserJwt);
  return issued.identity;
}

/**
 * SK: the join's gRPC error is the node's error as grpc-go prints it, whole
 * ("rpc error: code = … desc = …"): so `docker info` shows it once a join in the
 * background fails, and the join's caller gets the same text.
 */
function asNodeError(e: unknown): RpcError {
  const err = toRpcError(e);
  return err.plain ? err : new RpcError(err.code, err.grpcText, { plain: true });
}
