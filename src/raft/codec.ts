import protobuf from "protobufjs";
import { protoDir } from "../rpc/proto.ts";
import { Code, RpcError } from "../rpc/status.ts";
import type {
  ConfChange,
  ConfChangeType,
  Entry,
  EntryType,
  HardState,
  Message,
  MessageType,
  RaftMember,
  Snapshot,
} from "./types.ts";

/**
 * protobuf encoding of the Raft types (proto/raft.proto), for the transport and
 * the WAL. Decoding validates: a payload that is not a well-formed record
 * throws a CodecError naming what was wrong, never returns half a message.
 */
const root = protobuf.loadSync(`${protoDir}/raft.proto`);
const T = (name: string) => root.lookupType(`swarmbus.raft.v1.${name}`);
const types = {
  Entry: T("Entry"),
  HardState: T("HardState"),
  Snapshot: T("Snapshot"),
  Message: T("Message"),
  ConfChange: T("ConfChange"),
  RaftMember: T("RaftMember"),
  RaftEnvelope: T("RaftEnvelope"),
  WalMetadata: T("WalMetadata"),
  WalSnapshot: T("WalSnapshot"),
};

/** Bytes that are not the message they claim to be; code Unknown, as a plain Go decode error travels. */
export class CodecError extends RpcError {
  constructor(message: string) {
    super(Code.Unknown, message);
    this.name = "CodecError";
  }
}

const entryTypes: EntryType[] = ["normal", "confChange"];
const msgTypeByNumber: Record<number, MessageType> = {
  0: "MsgHup",
  1: "MsgBeat",
  2: "MsgProp",
  3: "MsgApp",
  4: "MsgAppResp",
  5: "MsgVote",
  6: "MsgVoteResp",
  7: "MsgSnap",
  8: "MsgHeartbeat",
  9: "MsgHeartbeatResp",
  10: "MsgUnreachable",
  11: "MsgSnapStatus",
  12: "MsgCheckQuorum",
  13: "MsgTransferLeader",
  14: "MsgTimeoutNow",
  15: "MsgReadIndex",
  17: "MsgPreVote",
  18: "MsgPreVoteResp",
};
const msgTypeNumber = Object.fromEntries(Object.entries(msgTypeByNumber).map(([k, v]) => [v, Number(k)])) as Record<
  MessageType,
  number
>;
const confChangeTypes: ConfChangeType[] = ["addNode", "removeNode", "updateNode"];

/** protobufjs's 64-bit value: a Long (two 32-bit halves) when the long package is there, else a number. */
type Long = { readonly low: number; readonly high: number } | number | string;
const TWO_32 = 2 ** 32;
/*
 * From the halves, not Long's toString: that divides in a loop, and a leader decodes the from/to of
 * every follower's answer and the term and index of each entry (~5 % of a busy leader's CPU).
 */
const num = (v: Long | undefined | null): number =>
  v == null ? 0 : typeof v === "object" ? (v.high >>> 0) * TWO_32 + (v.low >>> 0) : Number(v);
/** A Raft ID keeps all 64 bits: a decimal string, exact. */
const id = (v: Long | undefined | null): string =>
  v == null
    ? "0"
    : typeof v === "object"
      ? v.high === 0
        ? String(v.low >>> 0)
        : ((BigInt(v.high >>> 0) << 32n) | BigInt(v.low >>> 0)).toString()
      : String(v);
/** protobufjs hands out Buffers; the rest of the code sees plain Uint8Array views. */
const bytes = (v: Uint8Array | undefined | null): Uint8Array =>
  v ? new Uint8Array(v.buffer, v.byteOffset, v.byteLength) : new Uint8Array(0);

function decodeWith(type: protobuf.Type, buf: Uint8Array, what: string): Record<string, unknown> {
  let msg: protobuf.Message;
  try {
    msg = type.decode(buf);
  } catch (e) {
    throw new CodecError(`malformed ${what}: ${e instanceof Error ? e.message : String(e)}`);
  }
  const err = type.verify(msg);
  if (err) throw new CodecError(`malformed ${what}: ${err}`);
  return msg as unknown as Record<string, unknown>;
}

// --- Entry ---------------------------------------------------------------

const entryToPb = (e: Entry) => ({
  term: e.term,
  index: e.index,
  type: entryTypes.indexOf(e.type),
  data: e.data,
});
function entryFromPb(o: Record<string, unknown>): Entry {
  const type = entryTypes[Number(o.type ?? 0)];
  if (!type) throw new CodecError(`unknown entry type ${String(o.type)}`);
  return { term: num(o.term as Long), index: num(o.index as Long), type, data: bytes(o.data as Uint8Array) };
}
export const encodeEntry = (e: Entry): Uint8Array => types.Entry.encode(entryToPb(e)).finish();
export const decodeEntry = (b: Uint8Array): Entry => entryFromPb(decodeWith(types.Entry, b, "raft entry"));

// --- HardState -----------------------------------------------------------

export const encodeHardState = (h: HardState): Uint8Array =>
  types.HardState.encode({ term: h.term, vote: h.vote, commit: h.commit }).finish();
export function decodeHardState(b: Uint8Array): HardState {
  const o = decodeWith(types.HardState, b, "raft hard state");
  return { term: num(o.term as Long), vote: id(o.vote as Long), commit: num(o.commit as Long) };
}

// --- Snapshot --------------------------------------------------------------

const snapshotToPb = (s: Snapshot) => ({
  data: s.data,
  metadata: { index: s.metadata.index, term: s.metadata.term, confState: { voters: [...s.metadata.confState.voters] } },
});
function snapshotFromPb(o: Record<string, unknown>): Snapshot {
  const m = (o.metadata ?? {}) as Record<string, unknown>;
  const cs = (m.confState ?? {}) as { voters?: Long[] };
  return {
    data: bytes(o.data as Uint8Array),
    metadata: {
      index: num(m.index as Long),
      term: num(m.term as Long),
      confState: { voters: (cs.voters ?? []).map(id) },
    },
  };
}
export const encodeSnapshot = (s: Snapshot): Uint8Array => types.Snapshot.encode(snapshotToPb(s)).finish();
export const decodeSnapshot = (b: Uint8Array): Snapshot =>
  snapshotFromPb(decodeWith(types.Snapshot, b, "raft snapshot"));

// --- Message ---------------------------------------------------------------

const messageToPb = (m: Message) => ({
  type: msgTypeNumber[m.type],
  to: m.to,
  from: m.from,
  term: m.term,
  logTerm: m.logTerm,
  index: m.index,
  entries: m.entries.map(entryToPb),
  commit: m.commit,
  ...(m.snapshot ? { snapshot: snapshotToPb(m.snapshot) } : {}),
  reject: m.reject,
  rejectHint: m.rejectHint,
  ...(m.context ? { context: m.context } : {}),
});
function messageFromPb(o: Record<string, unknown>): Message {
  const type = msgTypeByNumber[Number(o.type ?? 0)];
  if (!type) throw new CodecError(`unknown raft message type ${String(o.type)}`);
  return {
    type,
    to: id(o.to as Long),
    from: id(o.from as Long),
    term: num(o.term as Long),
    logTerm: num(o.logTerm as Long),
    index: num(o.index as Long),
    entries: ((o.entries ?? []) as Record<string, unknown>[]).map(entryFromPb),
    commit: num(o.commit as Long),
    ...(o.snapshot ? { snapshot: snapshotFromPb(o.snapshot as Record<string, unknown>) } : {}),
    reject: Boolean(o.reject),
    rejectHint: num(o.rejectHint as Long),
    ...(o.context && (o.context as Uint8Array).length > 0 ? { context: bytes(o.context as Uint8Array) } : {}),
  };
}
export const encodeMessage = (m: Message): Uint8Array => types.Message.encode(messageToPb(m)).finish();
export const decodeMessage = (b: Uint8Array): Message => messageFromPb(decodeWith(types.Message, b, "raft message"));

/** A message on the NATS raft subject, tagged with the cluster it belongs to. */
export const encodeEnvelope = (clusterId: string, m: Message): Uint8Array =>
  types.RaftEnvelope.encode({ clusterId, message: messageToPb(m) }).finish();
export function decodeEnvelope(b: Uint8Array): { clusterId: string; message: Message } {
  const o = decodeWith(types.RaftEnvelope, b, "raft envelope");
  if (!o.message) throw new CodecError("malformed raft envelope: no message");
  return { clusterId: String(o.clusterId ?? ""), message: messageFromPb(o.message as Record<string, unknown>) };
}

// --- ConfChange and RaftMember ----------------------------------------------

// The pure core writes the same ConfChange bytes without protobufjs
// (src/raft/core/confchange/wire.ts; test/raft/core/confchange-wire.test.ts compares).

export const encodeConfChange = (c: ConfChange): Uint8Array =>
  types.ConfChange.encode({ type: confChangeTypes.indexOf(c.type), nodeId: c.nodeId, context: c.context }).finish();
export function decodeConfChange(b: Uint8Array): ConfChange {
  const o = decodeWith(types.ConfChange, b, "raft conf change");
  const type = confChangeTypes[Number(o.type ?? 0)];
  if (!type) throw new CodecError(`unknown conf change type ${String(o.type)}`);
  return { type, nodeId: id(o.nodeId as Long), context: bytes(o.context as Uint8Array) };
}

export const encodeRaftMember = (m: RaftMember): Uint8Array =>
  types.RaftMember.encode({ raftId: m.raftId, nodeId: m.nodeId, addr: m.addr }).finish();
export function decodeRaftMember(b: Uint8Array): RaftMember {
  const o = decodeWith(types.RaftMember, b, "raft member");
  return { raftId: id(o.raftId as Long), nodeId: String(o.nodeId ?? ""), addr: String(o.addr ?? "") };
}

// --- WAL records -------------------------------------------------------------

export interface WalMetadata {
  readonly raftId: string;
  readonly clusterId: string;
  readonly nodeId: string;
}
export const encodeWalMetadata = (m: WalMetadata): Uint8Array =>
  types.WalMetadata.encode({ raftId: m.raftId, clusterId: m.clusterId, nodeId: m.nodeId }).finish();
export function decodeWalMetadata(b: Uint8Array): WalMetadata {
  const o = decodeWith(types.WalMetadata, b, "WAL metadata");
  return { raftId: id(o.raftId as Long), clusterId: String(o.clusterId ?? ""), nodeId: String(o.nodeId ?? "") };
}
export const encodeWalSnapshot = (s: { index: number; term: number }): Uint8Array =>
  types.WalSnapshot.encode({ index: s.index, term: s.term }).finish();
export function decodeWalSnapshot(b: Uint8Array): { index: number; term: number } {
  const o = decodeWith(types.WalSnapshot, b, "WAL snapshot record");
  return { index: num(o.index as Long), term: num(o.term as Long) };
}
