/**
 * The Raft vocabulary shared by the pure core (src/raft/core), the storage
 * (src/raft/storage), the transport and the node shell. Terms and indexes are
 * JS numbers (safe to 2^53); Raft IDs are decimal strings of SwarmKit's uint64
 * IDs (random Int63()+1), so no bit is lost. NONE ("0") means no node.
 */
export type RaftId = string;
export const NONE: RaftId = "0";

export type EntryType = "normal" | "confChange";

export interface Entry {
  readonly term: number;
  readonly index: number;
  readonly type: EntryType;
  readonly data: Uint8Array;
}

export interface HardState {
  readonly term: number;
  readonly vote: RaftId;
  readonly commit: number;
}

export interface ConfState {
  readonly voters: readonly RaftId[];
}

export interface SnapshotMetadata {
  readonly index: number;
  readonly term: number;
  readonly confState: ConfState;
}

export interface Snapshot {
  readonly metadata: SnapshotMetadata;
  readonly data: Uint8Array;
}

export type ConfChangeType = "addNode" | "removeNode" | "updateNode";

export interface ConfChange {
  readonly type: ConfChangeType;
  readonly nodeId: RaftId;
  /** Who the node is (an encoded RaftMember: raft ID, node ID, address). */
  readonly context: Uint8Array;
}

export type MessageType =
  | "MsgHup"
  | "MsgBeat"
  | "MsgProp"
  | "MsgApp"
  | "MsgAppResp"
  | "MsgVote"
  | "MsgVoteResp"
  | "MsgSnap"
  | "MsgHeartbeat"
  | "MsgHeartbeatResp"
  | "MsgUnreachable"
  | "MsgSnapStatus"
  | "MsgCheckQuorum"
  | "MsgTransferLeader"
  | "MsgTimeoutNow"
  | "MsgReadIndex"
  | "MsgPreVote"
  | "MsgPreVoteResp";

export interface Message {
  readonly type: MessageType;
  readonly to: RaftId;
  readonly from: RaftId;
  readonly term: number;
  readonly logTerm: number;
  readonly index: number;
  readonly entries: readonly Entry[];
  readonly commit: number;
  readonly snapshot?: Snapshot;
  readonly reject: boolean;
  readonly rejectHint: number;
  readonly context?: Uint8Array;
}

/** What inspectors show: raft.machine.ts mirrors exactly this. */
export type RaftRole = "follower" | "preCandidate" | "candidate" | "leader";

export interface SoftState {
  readonly lead: RaftId;
  readonly role: RaftRole;
}

/**
 * A read the leader confirmed (etcd's ReadState): a quorum acknowledged it still
 * led after the read with context `ctx` arrived; the read may be served once
 * the state machine has applied `index`.
 */
export interface ReadState {
  readonly index: number;
  readonly ctx: Uint8Array;
}

/**
 * One batch out of the core (etcd's Ready): persist `hardState`, `entries` and
 * `snapshot` (fsync when mustSync) BEFORE sending `messages`; then apply
 * `committedEntries`; then call `advance`. `readStates` are confirmed reads
 * for whoever asked (RaftCore.readIndex).
 */
export interface Ready {
  readonly softState?: SoftState;
  readonly hardState?: HardState;
  readonly entries: readonly Entry[];
  readonly snapshot?: Snapshot;
  readonly committedEntries: readonly Entry[];
  readonly messages: readonly Message[];
  readonly readStates: readonly ReadState[];
  readonly mustSync: boolean;
}

/** Who a Raft member is: SwarmKit's api.RaftMember. */
export interface RaftMember {
  readonly raftId: RaftId;
  readonly nodeId: string;
  readonly addr: string;
}

export const isEmptySnapshot = (s: Snapshot | undefined): boolean => !s || s.metadata.index === 0;
