import type { NatsConnection } from "@nats-io/transport-node";
import type { ClientSideCredentials } from "../ca/credentials.ts";
import type { TimingProfile } from "../config/profile.ts";
import type { Log } from "../log.ts";
import type { RaftNode } from "../raft/node/index.ts";
import {
  type CallerStanding,
  type ControlBusServer,
  type ControlHandlers,
  serveControlBus,
} from "./control-bus/index.ts";
import type { LeaderInfo } from "./proxy/index.ts";
import { answerJoins } from "./raft-join.ts";
import type { ReadTx, ReplicatedStore } from "./store.ts";

export interface ManagerControlBusOptions {
  readonly nc: NatsConnection;
  readonly clusterId: string;
  /** This manager's node ID: the caller it names when it forwards a call to the leader. */
  readonly nodeId: string;
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
  const answerJoin = answerJoins({
    raft: o.raft,
    store: o.store,
    credentials: o.clientCredentials,
    healthCheckTimeoutMs: o.profile.raftJoinHealthCheckTimeoutMs,
  });
  return serveControlBus({
    nc: o.nc,
    clusterId: o.clusterId,
    self: { nodeId: o.nodeId, raftId: o.raft.raftId, addr: o.advertiseAddr },
    callers: (nodeId) => o.store.view((tx) => standingOf(tx, nodeId)),
    leader: o.leader,
    handlers: { ...o.handlers, raftJoin: answerJoin },
    readBarrier: (deadline) => o.raft.readBarrier(deadline),
    profile: o.profile,
    log: o.log,
  });
}

/**
 * What the store says of a caller: removed when the cluster's blacklist names it (SK
 * authorizeOrg), a manager when its observed role is (the role its certificate follows:
 * the first manager from bootstrap on, a promoted one once the role manager has moved it,
 * before its raft join), else a worker, or unknown.
 */
function standingOf(tx: ReadTx, nodeId: string): CallerStanding {
  const blacklist = tx.cluster()?.blacklistedCertificates;
  if (blacklist && Object.hasOwn(blacklist, nodeId)) return "removed";
  const role = tx.node(nodeId)?.role;
  if (role === undefined) return "unknown";
  return role === "MANAGER" ? "manager" : "worker";
}
