import type { AnyActorRef } from "xstate";
import type { Log } from "../log.ts";
import type { RaftNode } from "../raft/node/index.ts";
import type { RaftMember } from "../raft/types.ts";
import { rpcError } from "../rpc/status.ts";
import type { ManagerOptions } from "./api.ts";
import { newRaftId } from "./bootstrap.ts";
import { savedRaftId, startRaftMember } from "./raft-backend.ts";
import { joinRaft, raftInitError } from "./raft-join.ts";
import type { ReplicatedStore } from "./store.ts";

export type RaftStartMode = "bootstrap" | "restart" | "join";

/** How the manager starts its Raft member: a WAL means restart; else `swarm init` bootstraps, any other joins. */
export async function raftStartMode(opts: ManagerOptions): Promise<{ mode: RaftStartMode; saved: string | undefined }> {
  const saved = await savedRaftId(opts.swarmDir);
  return { mode: saved ? "restart" : opts.bootstrap ? "bootstrap" : "join", saved };
}

/** What the member reports to the manager. */
export interface RaftMemberEvents {
  /** The raft actor entered (true) or left (false) `leader`. */
  readonly onLeadership: (leader: boolean) => void;
  readonly onRemoved: () => void;
  readonly onFatal: (e: Error) => void;
  readonly onActor?: (name: string, actor: AnyActorRef) => void;
}

/**
 * The manager's Raft member (SK manager.Run → raft NewNode / JoinAndStart):
 * a restart reuses the saved Raft ID; a join first asks the leader for one
 * (the raft join request on the control bus), then catches up; a bootstrap
 * starts a new one-member cluster.
 */
export async function startManagerRaft(
  opts: ManagerOptions,
  start: { mode: RaftStartMode; saved: string | undefined },
  deps: { store: ReplicatedStore; advertiseAddr: string; log: Log; events: RaftMemberEvents },
): Promise<RaftNode> {
  let raftId = start.saved ?? newRaftId();
  let joinMembers: readonly RaftMember[] | undefined;
  if (start.mode === "join") {
    if (!opts.nc) throw rpcError("FailedPrecondition", "manager: joining other managers needs the NATS connection");
    const joined = await joinRaft(opts, deps.advertiseAddr).catch((e: unknown) => {
      throw raftInitError(e);
    });
    raftId = joined.raftId;
    joinMembers = joined.members;
  }
  return startRaftMember({
    swarmDir: opts.swarmDir,
    clusterId: opts.clusterId,
    self: { raftId, nodeId: opts.nodeId, addr: deps.advertiseAddr },
    profile: opts.profile,
    store: deps.store,
    nc: opts.nc,
    mode: start.mode,
    ...(opts.raftFs ? { storageFs: opts.raftFs } : {}),
    ...(joinMembers ? { joinMembers } : {}),
    ...(opts.forceNewCluster ? { forceNewCluster: true } : {}),
    onLeadership: deps.events.onLeadership,
    onRemoved: deps.events.onRemoved,
    onFatal: deps.events.onFatal,
    log: deps.log,
    ...(deps.events.onActor ? { onActor: deps.events.onActor } : {}),
  });
}
