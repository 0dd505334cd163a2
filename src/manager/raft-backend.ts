import { basename, dirname, join } from "node:path";
import type { NatsConnection } from "@nats-io/transport-node";
import type { AnyActorRef } from "xstate";
import type { TimingProfile } from "../config/profile.ts";
import type { Log } from "../log.ts";
import { RaftNode } from "../raft/node/index.ts";
import { RaftStorage, type StorageFs } from "../raft/storage/index.ts";
import { MemoryNetwork, natsTransport, type RaftTransport } from "../raft/transport/index.ts";
import type { RaftMember } from "../raft/types.ts";
import { rpcError } from "../rpc/status.ts";
import { loadOrCreateRaftDek } from "./deks/raft-dek.ts";
import type { ReplicatedStore } from "./store.ts";

/**
 * Where a manager's Raft member comes from (SK: manager/state/raft NewNode +
 * JoinAndStart): its storage under <state-dir>/swarm/raft, its transport
 * (NATS, or an in-memory network for a one-member test cluster), and the
 * store it feeds: entries are applied to it, snapshots are taken from it and
 * restored into it.
 */
export function raftDirOf(swarmDir: string): string {
  return join(stateDirOf(swarmDir), "swarm", "raft");
}

/**
 * RaftNode wants the daemon's state dir (it keeps <state-dir>/swarm/raft); the
 * manager is given <state-dir>/swarm. A swarm dir with another name (some
 * tests) is taken as the state dir itself.
 */
export function stateDirOf(swarmDir: string): string {
  return basename(swarmDir) === "swarm" ? dirname(swarmDir) : swarmDir;
}

/** The Raft ID saved in an existing WAL (a restart), or undefined when there is no Raft data. */
export async function savedRaftId(swarmDir: string): Promise<string | undefined> {
  const dir = raftDirOf(swarmDir);
  if (!RaftStorage.exists(dir)) return undefined;
  const { storage, state } = await RaftStorage.open(dir, { dek: await loadOrCreateRaftDek(swarmDir, dir) });
  await storage.close();
  return state.metadata?.raftId;
}

export interface RaftBackendOptions {
  readonly swarmDir: string;
  readonly clusterId: string;
  readonly self: RaftMember;
  readonly profile: TimingProfile;
  readonly store: ReplicatedStore;
  readonly nc: NatsConnection | undefined;
  readonly mode: "bootstrap" | "restart" | "join";
  /** On a join: the members the leader answered with (whom to take messages from until this one is added). */
  readonly joinMembers?: readonly RaftMember[];
  /** SwarmKit ForceNewCluster on a restart: this member alone, the others removed (see RaftNode). */
  readonly forceNewCluster?: boolean;
  readonly onLeadership: (leader: boolean) => void;
  readonly onRemoved: () => void;
  readonly onFatal: (e: Error) => void;
  /** The file operations of the Raft storage (a faulty disk in tests); node:fs by default. */
  readonly storageFs?: StorageFs;
  readonly onActor?: (name: string, actor: AnyActorRef) => void;
  readonly log: Log;
  readonly snapshotInterval?: number;
  readonly logEntriesForSlowFollowers?: number;
}

/** Starts the member and attaches the store to it (proposals go through Raft from then on). */
export async function startRaftMember(o: RaftBackendOptions): Promise<RaftNode> {
  const dek = await loadOrCreateRaftDek(o.swarmDir, raftDirOf(o.swarmDir));
  const inactiveAfterMs = o.profile.raftTickMs * o.profile.raftElectionTicks;
  let transport: RaftTransport;
  if (o.nc) {
    transport = await natsTransport({
      nc: o.nc,
      clusterId: o.clusterId,
      raftId: o.self.raftId,
      nodeId: o.self.nodeId,
      inactiveAfterMs,
      log: o.log,
    });
  } else {
    if (o.mode === "join")
      throw rpcError("FailedPrecondition", "manager: joining other managers needs the daemon's NATS connection");
    transport = new MemoryNetwork({ log: o.log }).transport(o.clusterId, o.self.raftId, { inactiveAfterMs });
  }
  const node = await RaftNode.start({
    clusterId: o.clusterId,
    self: o.self,
    stateDir: stateDirOf(o.swarmDir),
    dek,
    ...(o.storageFs ? { storageFs: o.storageFs } : {}),
    transport,
    ...(o.joinMembers ? { joinMembers: o.joinMembers } : {}),
    profile: o.profile,
    bootstrap: o.mode === "bootstrap",
    forceNewCluster: o.mode === "restart" && (o.forceNewCluster ?? false),
    apply: (data) => o.store.apply(data),
    snapshotData: () => o.store.snapshotData(),
    restore: (data) => o.store.restore(data),
    // SwarmKit reads the snapshot settings from the cluster object at each decision.
    raftConfig: () => o.store.view((tx) => tx.cluster()?.spec.raft),
    onLeadership: o.onLeadership,
    onRemoved: o.onRemoved,
    onFatal: o.onFatal,
    log: o.log,
    ...(o.onActor ? { onActor: o.onActor } : {}),
    ...(o.snapshotInterval !== undefined ? { snapshotInterval: o.snapshotInterval } : {}),
    ...(o.logEntriesForSlowFollowers !== undefined ? { logEntriesForSlowFollowers: o.logEntriesForSlowFollowers } : {}),
  });
  o.store.attach({ propose: (data) => node.propose(data), isLeader: () => node.isLeader() });
  return node;
}
