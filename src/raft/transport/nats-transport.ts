import { randomUUID } from "node:crypto";
import { headers, type Msg, type NatsConnection, type Subscription } from "@nats-io/transport-node";
import { subjects } from "../../bus/subjects.ts";
import { defaultLog, type Log } from "../../log.ts";
import { encodeEnvelope } from "../codec.ts";
import type { Message, RaftId } from "../types.ts";
import { CHUNK_HEADER, formatChunkTag, parseChunkTag, Reassembler, splitPayload } from "./chunks.ts";
import { acceptInbound, deliver } from "./inbound.ts";
import { NatsLiveness, PROBE_HEADER } from "./nats-liveness.ts";
import { PeerActivity } from "./peer-activity.ts";
import { formatRemovedNotice, parseRemovedNotice, REMOVED_HEADER } from "./removed-notice.ts";
import { DropLog, NOT_A_MEMBER, senderRefusal } from "./sender-check.ts";
import type { RaftMembers, RaftTransport, TransportReport } from "./transport.ts";

export interface NatsTransportOptions {
  readonly nc: NatsConnection;
  readonly clusterId: string;
  readonly raftId: RaftId;
  /** This member's node ID: the sender token of every subject it publishes on. */
  readonly nodeId: string;
  /** Whom to take messages from, if known at construction (else the Raft node sets it: useMembers). */
  readonly members?: RaftMembers;
  /** A peer sent to and silent this long is inactive: the election timeout (ticks × tick). */
  readonly inactiveAfterMs: number;
  readonly log?: Log;
  readonly now?: () => number;
  /** Overrides the server's max_payload (tests). */
  readonly maxPayload?: number;
}

/** Room left in each chunk for the protocol line and the chunk header. */
const CHUNK_OVERHEAD = 1024;
/** Largest message put back together from chunks (a store snapshot). */
const MAX_REASSEMBLED_BYTES = 512 * 1024 * 1024;

/**
 * Raft messages over core NATS: each message is published as a protobuf
 * envelope on `<prefix>.cluster.<clusterId>.raft.<to>.<own node ID>`; this
 * member listens on `raft.<own Raft ID>.*` and takes a message only from a
 * current member whose node ID is the subject's last token and whose Raft ID
 * is the envelope's `from` (sender-check.ts). A payload over the server's max_payload (a MsgSnap, or a
 * MsgApp carrying a big entry) is sent in chunks and reassembled. Each message
 * carries a reply subject that tells at once when nobody listens on the peer's
 * subject (nats-liveness.ts). Owns its subscriptions, not the connection.
 */
export async function natsTransport(opts: NatsTransportOptions): Promise<RaftTransport> {
  const t = new NatsRaftTransport(opts);
  await opts.nc.flush();
  return t;
}

class NatsRaftTransport implements RaftTransport {
  readonly raftId: RaftId;
  private readonly log: Log;
  private readonly now: () => number;
  private readonly activity: PeerActivity;
  private readonly reassembler: Reassembler;
  private readonly sub: Subscription;
  private readonly liveness: NatsLiveness;
  private readonly handlers = new Set<(m: Message) => void>();
  private readonly reporters = new Set<(r: TransportReport) => void>();
  private readonly transferPrefix = randomUUID();
  private transfers = 0;
  private closed = false;
  private members: RaftMembers | undefined;
  private readonly drops: DropLog;
  /** Subjects per peer: building them per message showed up in the commit benchmark's profile. */
  private readonly subjectCache = new Map<RaftId, string>();

  private subjectOf(to: RaftId): string {
    let s = this.subjectCache.get(to);
    if (s === undefined) {
      s = subjects().raft(this.opts.clusterId, to, this.opts.nodeId);
      this.subjectCache.set(to, s);
    }
    return s;
  }

  constructor(private readonly opts: NatsTransportOptions) {
    this.raftId = opts.raftId;
    this.log = opts.log ?? defaultLog();
    this.now = opts.now ?? Date.now;
    this.members = opts.members;
    this.drops = new DropLog(this.log, this.now);
    this.activity = new PeerActivity(opts.inactiveAfterMs, this.now);
    this.reassembler = new Reassembler({
      maxTransfers: 8,
      maxBytes: MAX_REASSEMBLED_BYTES,
      staleAfterMs: Math.max(10 * opts.inactiveAfterMs, 10_000),
      now: this.now,
    });
    this.liveness = new NatsLiveness(opts.nc, (peer) => this.gone(peer));
    this.sub = opts.nc.subscribe(subjects().raftInbox(opts.clusterId, opts.raftId), {
      callback: (err, msg) => {
        if (err) {
          this.log.warn({ raftId: this.raftId, err: err.message }, "raft transport: subscription error");
          return;
        }
        this.receive(msg);
      },
    });
  }

  send(msgs: readonly Message[]): void {
    for (const m of msgs) this.sendOne(m);
  }

  onMessage(handler: (m: Message) => void): () => void {
    this.handlers.add(handler);
    return () => this.handlers.delete(handler);
  }

  onReport(handler: (r: TransportReport) => void): () => void {
    this.reporters.add(handler);
    return () => this.reporters.delete(handler);
  }

  useMembers(members: RaftMembers): void {
    this.members = members;
  }

  notifyRemoved(to: RaftId, index: number): void {
    if (this.closed) return;
    try {
      const h = headers();
      h.set(REMOVED_HEADER, formatRemovedNotice(this.opts.clusterId, this.raftId, index));
      this.opts.nc.publish(this.subjectOf(to), new Uint8Array(0), { headers: h });
    } catch (e) {
      this.log.warn(
        { raftId: this.raftId, to, err: e instanceof Error ? e.message : String(e) },
        "raft transport: could not tell a removed member it was removed",
      );
    }
  }

  addPeer(id: RaftId): void {
    if (id !== this.raftId) this.activity.add(id);
  }

  removePeer(id: RaftId): void {
    this.activity.remove(id);
  }

  peers(): RaftId[] {
    return this.activity.ids();
  }

  active(id: RaftId): boolean {
    return this.activity.active(id);
  }

  async probe(): Promise<void> {
    if (this.closed) return;
    try {
      const peers = this.activity.ids().map((id) => ({ id, subject: this.subjectOf(id) }));
      await this.liveness.probe(peers, this.opts.inactiveAfterMs / 2);
    } catch (e) {
      this.log.warn(
        { raftId: this.raftId, err: e instanceof Error ? e.message : String(e) },
        "raft transport: probe failed",
      );
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.handlers.clear();
    this.reporters.clear();
    this.liveness.close();
    if (!this.opts.nc.isClosed()) this.sub.unsubscribe();
  }

  /** Nobody listens on `peer`'s subject: a failed send, as SwarmKit sees one. */
  private gone(peer: RaftId): void {
    if (this.closed || !this.activity.has(peer)) return;
    this.activity.failed(peer);
    this.report({ type: "unreachable", to: peer });
  }

  private maxPayload(): number {
    return this.opts.maxPayload ?? this.opts.nc.info?.max_payload ?? 1024 * 1024;
  }

  private sendOne(m: Message): void {
    if (this.closed) return;
    try {
      const subject = this.subjectOf(m.to);
      const payload = encodeEnvelope(this.opts.clusterId, m);
      const max = this.maxPayload();
      const reply = this.liveness.replyTo(m.to);
      if (payload.length <= max - CHUNK_OVERHEAD) {
        this.opts.nc.publish(subject, payload, { reply });
      } else {
        const parts = splitPayload(payload, Math.max(1, max - CHUNK_OVERHEAD));
        const transferId = `${this.transferPrefix}-${++this.transfers}`;
        parts.forEach((part, index) => {
          const h = headers();
          h.set(CHUNK_HEADER, formatChunkTag({ transferId, index, count: parts.length }));
          // One status is enough for a transfer: only its first chunk asks for one.
          this.opts.nc.publish(subject, part, index === 0 ? { headers: h, reply } : { headers: h });
        });
      }
      this.activity.sent(m.to);
      if (m.type === "MsgSnap") this.report({ type: "snapshot", to: m.to, ok: true });
    } catch (e) {
      this.log.warn(
        { raftId: this.raftId, to: m.to, type: m.type, err: e instanceof Error ? e.message : String(e) },
        "raft transport: send failed",
      );
      this.activity.failed(m.to);
      this.report({ type: "unreachable", to: m.to });
      if (m.type === "MsgSnap") this.report({ type: "snapshot", to: m.to, ok: false });
    }
  }

  private receive(msg: Msg): void {
    if (this.closed || msg.headers?.has(PROBE_HEADER)) return;
    // The subscription is raft.<own Raft ID>.*: the last token is the sender's node ID.
    const sender = msg.subject.slice(msg.subject.lastIndexOf(".") + 1);
    const removedBy = msg.headers?.get(REMOVED_HEADER);
    if (removedBy) {
      this.removalNotice(sender, removedBy);
      return;
    }
    const payload = this.payloadOf(sender, msg);
    if (!payload) return;
    const m = acceptInbound(payload, { clusterId: this.opts.clusterId, raftId: this.raftId }, (line, fields) =>
      this.drops.drop(line, { ...fields, sender }),
    );
    if (!m || !this.fromMember(sender, m)) return;
    this.activity.heard(m.from, m.type);
    deliver(this.handlers, m, this.log);
  }

  /**
   * A message goes on only from the member it claims to come from; or from a
   * node that is no member any more, claiming a removed Raft ID: the Raft node
   * drops that one too, but first answers it with a removal notice (SwarmKit's
   * ErrMemberRemoved), so a removed member that missed its removal learns it.
   */
  private fromMember(sender: string, m: Message): boolean {
    const members = this.members;
    // Not known until the Raft node starts listening: nobody would take the message yet.
    if (members === undefined) return false;
    const reason = senderRefusal(members, this.opts, sender, m.from);
    if (reason === undefined) return true;
    if (reason === NOT_A_MEMBER && members.isRemoved(m.from)) return true;
    this.drops.drop("raft transport: dropped a message whose sender is not the member it claims to be", {
      raftId: this.raftId,
      sender,
      claimed: m.from,
      type: m.type,
      term: m.term,
      reason,
    });
    return false;
  }

  /** A removal notice counts only from another current member, speaking as itself. */
  private removalNotice(sender: string, value: string): void {
    const notice = parseRemovedNotice(value, this.opts.clusterId);
    if (!notice) {
      this.log.warn(
        { raftId: this.raftId, sender, notice: value },
        "raft transport: dropped a malformed removal notice",
      );
      return;
    }
    if (this.members === undefined) return;
    const reason = senderRefusal(this.members, this.opts, sender, notice.by);
    if (reason === undefined) {
      this.report({ type: "removed", by: notice.by, index: notice.index });
      return;
    }
    this.drops.drop("raft transport: dropped a removal notice whose sender is not the member it claims to be", {
      raftId: this.raftId,
      sender,
      claimed: notice.by,
      index: notice.index,
      reason,
    });
  }

  /** The whole payload: the message's data, or, for a chunk, the transfer it completes (else undefined). */
  private payloadOf(sender: string, msg: Msg): Uint8Array | undefined {
    let payload: Uint8Array | undefined = msg.data;
    const tagValue = msg.headers?.get(CHUNK_HEADER);
    if (tagValue) {
      const tag = parseChunkTag(tagValue);
      if (!tag) {
        this.log.warn({ raftId: this.raftId, tag: tagValue }, "raft transport: dropped a chunk with a malformed tag");
        return;
      }
      try {
        // Transfers are told apart per sender: nobody can add chunks to another member's transfer.
        payload = this.reassembler.add({ ...tag, transferId: `${sender} ${tag.transferId}` }, msg.data);
      } catch (e) {
        this.log.warn(
          { raftId: this.raftId, err: e instanceof Error ? e.message : String(e) },
          "raft transport: dropped a chunked transfer",
        );
        return undefined;
      }
    }
    return payload;
  }

  private report(r: TransportReport): void {
    for (const h of this.reporters) h(r);
  }
}
