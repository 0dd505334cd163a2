import type { AnyActorRef } from "xstate";
import type { TimingProfile } from "../../config/profile.ts";
import type { Log } from "../../log.ts";
import type { StorageFs } from "../storage/index.ts";
import type { RaftTransport } from "../transport/index.ts";
import type { RaftMember } from "../types.ts";

/** SwarmKit DefaultRaftConfig. */
export const DEFAULT_SNAPSHOT_INTERVAL = 10_000;
export const DEFAULT_LOG_ENTRIES_FOR_SLOW_FOLLOWERS = 500;
/** SwarmKit DefaultNodeConfig: MaxSizePerMsg = math.MaxUint16, MaxInflightMsgs = 256. */
export const MAX_SIZE_PER_MSG = 65_535;
export const MAX_INFLIGHT_MSGS = 256;

/** What a snapshot decision reads from the cluster spec (SwarmKit api.RaftConfig). */
export interface SnapshotConfig {
  /** Applied entries since the last snapshot that trigger the next; 0 never snapshots. */
  readonly snapshotInterval: number;
  /** Snapshot files kept besides the newest. */
  readonly keepOldSnapshots: number;
  /** Entries kept in the log behind a snapshot, for followers that lag. */
  readonly logEntriesForSlowFollowers: number;
}

export interface RaftNodeOptions {
  readonly clusterId: string;
  /** This member: Raft ID (decimal string), node ID, address. */
  readonly self: RaftMember;
  /** The daemon's state dir: Raft data lives under `<stateDir>/swarm/raft/`. */
  readonly stateDir: string;
  /** The data encryption key the WAL and snapshots are sealed with; in clear without (unit tests). */
  readonly dek?: Uint8Array;
  /** The file operations of its storage (a faulty or crashable disk in tests); node:fs by default. */
  readonly storageFs?: StorageFs;
  readonly transport: RaftTransport;
  /**
   * A joiner's member list from the leader's join answer: whom it takes
   * messages from until it has applied the conf change that adds it (see
   * member-lookup.ts). Empty for a bootstrap or a restart.
   */
  readonly joinMembers?: readonly RaftMember[];
  /** Tick interval and election/heartbeat ticks. */
  readonly profile: TimingProfile;
  /** Applies one committed proposal, in log order, on every member. */
  readonly apply: (data: Uint8Array, index: number) => void | Promise<void>;
  /** The owner's state as bytes, for a snapshot (empty bytes when not given). */
  readonly snapshotData?: () => Uint8Array | Promise<Uint8Array>;
  /** Replaces the owner's state with a snapshot's (on restart, or a MsgSnap from the leader). */
  readonly restore?: (data: Uint8Array) => void | Promise<void>;
  /**
   * The cluster object's Spec.Raft, read at every snapshot decision (SwarmKit's
   * getCurrentRaftConfig); undefined while there is no cluster object, and
   * then the values below apply.
   */
  readonly raftConfig?: () => SnapshotConfig | undefined;
  /** Applied entries between snapshots without a cluster spec (SwarmKit SnapshotInterval, 10000). */
  readonly snapshotInterval?: number;
  /** Entries kept in the log behind a snapshot without a cluster spec (SwarmKit LogEntriesForSlowFollowers, 500). */
  readonly logEntriesForSlowFollowers?: number;
  /** The raft actor, for the bus and inspectors. */
  readonly onActor?: (name: string, actor: AnyActorRef) => void;
  /** Leadership gained (true) or lost (false): start/stop leader-only components. */
  readonly onLeadership?: (leader: boolean) => void;
  /** This member was removed from the cluster (the node stops itself). */
  readonly onRemoved?: () => void;
  /** Storage or apply failed: the node stopped. */
  readonly onFatal?: (e: Error) => void;
  readonly log?: Log;
  /** [0,1) for the randomized election timeout; Math.random by default. */
  readonly random?: () => number;
}

export interface RaftNodeStartOptions extends RaftNodeOptions {
  /**
   * With empty storage: true starts a new one-member cluster (SwarmKit's
   * newRaft / etcd's Bootstrap); false waits to be added by the leader (join).
   * Ignored when the storage holds a WAL: the member restarts from it.
   */
  readonly bootstrap?: boolean;
  /**
   * SwarmKit's ForceNewCluster: with a WAL, drop the uncommitted tail and
   * commit, locally, the removal of every other member, so this member is the
   * whole cluster (and leads at once); the old members' IDs become removed.
   * Ignored without a WAL.
   */
  readonly forceNewCluster?: boolean;
}
