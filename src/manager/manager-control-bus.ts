import type { NatsConnection } from "@nats-io/transport-node";
import type { ClientSideCredentials } from "../ca/credentials.ts";
import type { TimingProfile } from "../config/profile.ts";
import type { Log } from "../log.ts";
import type { RaftNode } from "../raft/node/index.ts";
import { type ControlBusServer, type ControlHandlers, serveControlBus } from "./control-bus/index.ts";
import type { LeaderInfo } from "./proxy/index.ts";
import { answerJoin } from "./raft-join.ts";
import type { ReplicatedStore } from "./store.ts";

export interface ManagerControlBusOptions {
  readonly nc: NatsConnection;
  readonly clusterId: string;
  readonly raft: RaftNode;
  /** This manager's address, named in redirect errors. */
  readonly advertiseAddr: string;
  readonly leader: LeaderInfo;
  /** The control API this manager serves when it leads (the handle's own methods). */
  readonly handlers: Omit<ControlHandlers, "raftJoin">;
  readonly store: ReplicatedStore;
  /** How the leader dials a joiner for the raft join's health check. */
  readonly clientCredentials: ClientSideCredentials;
  readonly profile: TimingProfile;
  readonly log: Log;
}

/**
 * The control API on NATS, served by every manager (a follower forwards to the
 * leader), with the raft Join request answered by the leader (SK raft.Join).
 */
export function serveManagerControlBus(o: ManagerControlBusOptions): ControlBusServer {
  const joinDeps = {
    raft: o.raft,
    store: o.store,
    credentials: o.clientCredentials,
    healthCheckTimeoutMs: o.profile.raftJoinHealthCheckTimeoutMs,
  };
  return serveControlBus({
    nc: o.nc,
    clusterId: o.clusterId,
    self: { raftId: o.raft.raftId, addr: o.advertiseAddr },
    leader: o.leader,
    handlers: { ...o.handlers, raftJoin: (req) => answerJoin(joinDeps, req) },
    profile: o.profile,
    log: o.log,
  });
}
