import type { Message, RaftId } from "../types.ts";

/**
 * Who may send raft messages to this member, as its Raft node knows now (the
 * applied membership; for a joiner that has not applied its own addition yet,
 * also the member list the leader answered the join with). The transport maps a
 * message's sender node ID through it; it never holds the store.
 */
export interface RaftMembers {
  /** The Raft ID of the current member with node ID `nodeId`, or undefined. */
  raftIdOf(nodeId: string): RaftId | undefined;
  /** `raftId` was removed from the cluster: its messages get a removal notice, never the core. */
  isRemoved(raftId: RaftId): boolean;
}

/**
 * What the Raft node shell needs from a transport (SwarmKit
 * manager/state/raft/transport): send the core's messages, deliver the ones
 * addressed to this member, and say which peers look alive.
 */
export interface RaftTransport {
  /** This member's Raft ID. */
  readonly raftId: RaftId;
  /** Sends each message to `message.to`; never throws (failures come back as reports). */
  send(msgs: readonly Message[]): void;
  /** Messages addressed to this member, in arrival order; returns an unsubscribe function. */
  onMessage(handler: (m: Message) => void): () => void;
  /** Send failures and snapshot outcomes, for core.reportUnreachable / core.reportSnapshot. */
  onReport(handler: (r: TransportReport) => void): () => void;
  /**
   * Whom to take messages from (set by the Raft node before it listens; until
   * then nothing is delivered).
   */
  useMembers(members: RaftMembers): void;
  /**
   * Tells `to` it was removed from the cluster by the conf change committed at
   * `index` (SwarmKit answers a removed member's messages with NotFound
   * ErrMemberRemoved; core NATS has no answer, so this is a notice on its
   * subject). It arrives there as a `removed` report.
   */
  notifyRemoved(to: RaftId, index: number): void;
  /** A member the transport should track (on a committed addNode, or at start from the member list). */
  addPeer(id: RaftId): void;
  removePeer(id: RaftId): void;
  /** The tracked peers. */
  peers(): RaftId[];
  /**
   * SwarmKit's transport.Active: a known peer that has not failed a send, and
   * that answered within `inactiveAfterMs` of the first message sent to it
   * since it was last heard from. Unknown peers are not active. A send fails
   * when nobody listens on the peer's subject (its process died, or it left):
   * known within a message's round trip.
   */
  active(id: RaftId): boolean;
  /**
   * Asks the bus now whether each peer still listens, without a message to its
   * raft core: one that does not is inactive when this resolves (a failed
   * send). For the quorum checks, which must not wait for the next heartbeat.
   */
  probe(): Promise<void>;
  close(): Promise<void>;
}

export type TransportReport =
  | { readonly type: "unreachable"; readonly to: RaftId }
  | { readonly type: "snapshot"; readonly to: RaftId; readonly ok: boolean }
  /**
   * A current member of this cluster (not this one) says this member was
   * removed from it by the conf change it committed at `index`.
   */
  | { readonly type: "removed"; readonly by: RaftId; readonly index: number };

/** SwarmKit's ErrRequestTooLarge text. */
export const REQUEST_TOO_LARGE = "raft: raft message is too large and can't be sent";
/** store.MaxTransactionBytes: the largest proposal SwarmKit accepts (1.5 MiB). */
export const MAX_TRANSACTION_BYTES = 1.5 * 1024 * 1024;
