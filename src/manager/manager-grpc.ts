import type { ClientSideCredentials } from "../ca/credentials.ts";
import type { ManagerOptions } from "./api.ts";
import type { CAServer } from "./ca-server.ts";
import { refuseRemovedNodes } from "./controlapi/index.ts";
import type { Dispatcher } from "./dispatcher.ts";
import { type BoundServer, effectiveAdvertiseAddr, serveManager } from "./grpc-server.ts";
import type { HealthServer } from "./health.ts";
import { type LeaderInfo, type LeaderProxy, leaderProxy } from "./proxy/index.ts";
import type { ReplicatedStore } from "./store.ts";

export interface ManagerGrpc {
  readonly proxy: LeaderProxy;
  readonly server: BoundServer;
  /** The address other nodes dial: the advertised one, with the bound port when the listen port was 0. */
  readonly advertiseAddr: string;
}

export interface ManagerGrpcParts {
  readonly store: ReplicatedStore;
  readonly dispatcher: Dispatcher;
  readonly ca: CAServer;
  readonly health: HealthServer;
  readonly leader: LeaderInfo;
  readonly clientCredentials: ClientSideCredentials;
  readonly clusterId: () => string;
}

/**
 * The manager's gRPC listener (Dispatcher, NodeCA, RootCA, Health). Every
 * manager serves the raft proxy: the leader its own handlers, a follower
 * relays to the leader; Health answers for this manager.
 */
export async function serveManagerGrpc(opts: ManagerOptions, p: ManagerGrpcParts): Promise<ManagerGrpc> {
  const proxy = leaderProxy({
    local: {
      dispatcher: p.dispatcher.handlers(),
      nodeCA: p.ca.nodeCAHandlers(),
      rootCA: p.ca.rootCAHandlers(),
      health: p.health.handlers(refuseRemovedNodes(opts.credentials, p.store)),
    },
    leader: p.leader,
    profile: opts.profile,
    clientCredentials: p.clientCredentials,
    serverCredentials: opts.credentials,
    clusterId: p.clusterId,
  });
  const server = await serveManager(opts.listenAddr, opts.credentials, proxy.services);
  return {
    proxy,
    server,
    advertiseAddr: effectiveAdvertiseAddr(opts.listenAddr, opts.advertiseAddr, server.listenAddr),
  };
}
