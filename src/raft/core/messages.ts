import type { Message, MessageType } from "../types.ts";
import { NONE } from "../types.ts";
import { ErrInvalidMessage } from "./errors.ts";

/** Types the core steps to itself; never accepted from a peer. */
export const LOCAL_TYPES: ReadonlySet<MessageType> = new Set<MessageType>([
  "MsgHup",
  "MsgBeat",
  "MsgUnreachable",
  "MsgSnapStatus",
  "MsgCheckQuorum",
  "MsgProp",
  "MsgReadIndex",
]);

/**
 * Longest context a peer's message may carry: a read-index context (8 bytes
 * from the node shell) or CampaignTransfer (16). Followers echo what a
 * heartbeat carries, so an unbounded one would be held and sent back.
 */
export const MAX_MESSAGE_CONTEXT_BYTES = 64;

/** The peer messages that carry a context: heartbeats and their answers (reads), votes (transfers). */
const CONTEXT_TYPES: ReadonlySet<MessageType> = new Set<MessageType>([
  "MsgHeartbeat",
  "MsgHeartbeatResp",
  "MsgVote",
  "MsgPreVote",
]);

/** An empty payload: the entry a new leader appends, a member's missing context. */
export const EMPTY = new Uint8Array(0);

/** Context of a MsgVote sent after MsgTimeoutNow: bypasses the leader lease. */
export const CAMPAIGN_TRANSFER = new TextEncoder().encode("CampaignTransfer");

export const isCampaignTransfer = (ctx: Uint8Array | undefined): boolean =>
  !!ctx && ctx.byteLength === CAMPAIGN_TRANSFER.byteLength && ctx.every((b, i) => b === CAMPAIGN_TRANSFER[i]);

/** Answers to our own messages: step() takes them only from current members. */
export const isResponse = (t: MessageType): boolean =>
  t === "MsgAppResp" || t === "MsgHeartbeatResp" || t === "MsgVoteResp" || t === "MsgPreVoteResp";

export const voteRespType = (t: MessageType): MessageType => (t === "MsgVote" ? "MsgVoteResp" : "MsgPreVoteResp");

/** A message with every field defaulted. */
export function msg(m: Partial<Message> & Pick<Message, "type">): Message {
  return {
    to: NONE,
    from: NONE,
    term: 0,
    logTerm: 0,
    index: 0,
    entries: [],
    commit: 0,
    reject: false,
    rejectHint: 0,
    ...m,
  };
}

/**
 * Checks what a peer's message claims before the core acts on it: entries of
 * a MsgApp follow m.index one by one with terms never decreasing and never
 * beyond the message's term; a MsgSnap carries a snapshot; a context only on
 * the types that carry one, and bounded.
 */
export function validatePeerMessage(m: Message): void {
  if (m.from === NONE) throw new ErrInvalidMessage(`${m.type} without a sender`);
  if (m.context && m.context.byteLength > 0) {
    if (!CONTEXT_TYPES.has(m.type)) throw new ErrInvalidMessage(`${m.type} carries a context`);
    if (m.context.byteLength > MAX_MESSAGE_CONTEXT_BYTES) {
      throw new ErrInvalidMessage(
        `${m.type} context of ${m.context.byteLength} bytes (at most ${MAX_MESSAGE_CONTEXT_BYTES})`,
      );
    }
  }
  if (m.type === "MsgSnap" && (!m.snapshot || m.snapshot.metadata.index === 0)) {
    throw new ErrInvalidMessage("MsgSnap without a snapshot");
  }
  if (m.entries.length === 0) return;
  if (m.type !== "MsgApp") throw new ErrInvalidMessage(`${m.type} carries entries`);
  let prevTerm = m.logTerm;
  let next = m.index + 1;
  for (const e of m.entries) {
    if (e.index !== next) throw new ErrInvalidMessage(`MsgApp entry ${e.index} where ${next} was expected`);
    if (e.term < prevTerm || e.term > m.term) {
      throw new ErrInvalidMessage(`MsgApp entry ${e.index} has term ${e.term} out of order`);
    }
    prevTerm = e.term;
    next++;
  }
}
