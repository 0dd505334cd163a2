import { defaultLog, type Log } from "../../log.ts";
import { encodeEnvelope } from "../codec.ts";
import type { Message, RaftId } from "../types.ts";
import { acceptInbound, deliver, warnEach } from "./inbound.ts";
import { PeerActivity } from "./peer-activity.ts";
import type { RaftMembers, RaftTransport, TransportReport } from "./transport.ts";

/**
 * The in-memory twin of the NATS transport, for unit tests: members of one
 * MemoryNetwork reach each other by (clusterId, raftId), every message goes
 * through the same protobuf envelope and the same inbound checks, delivery is
 * asynchronous (a microtask later) and in order. `isolate` cuts a member off
 * both ways and its messages are lost silently (alive but partitioned); a
 * message to a member that is not there (closed, never started) comes back a
 * microtask later as a failed send, as "no responders" does on NATS. It has no
 * sender identity (nothing names a node ID): members are trusted to be who
 * they say, and the sender checks live in the NATS transport.
 */
export class MemoryNetwork {
  private readonly members = new Map<string, MemoryRaftTransport>();
  private readonly isolated = new Set<RaftId>();

  constructor(private readonly opts: { now?: () => number; log?: Log } = {}) {}

  transport(clusterId: string, raftId: RaftId, opts: { inactiveAfterMs: number }): RaftTransport {
    const t = new MemoryRaftTransport(
      this,
      clusterId,
      raftId,
      opts.inactiveAfterMs,
      this.opts.now ?? Date.now,
      this.opts.log ?? defaultLog(),
    );
    this.members.set(key(clusterId, raftId), t);
    return t;
  }

  /** Cuts `id` off: nothing it sends arrives, nothing sent to it arrives. */
  isolate(id: RaftId): void {
    this.isolated.add(id);
  }

  heal(id: RaftId): void {
    this.isolated.delete(id);
  }

  /** Puts raw bytes on the (clusterId, raftId) "subject", as a stranger on the bus could. */
  inject(clusterId: string, raftId: RaftId, payload: Uint8Array): void {
    const t = this.members.get(key(clusterId, raftId));
    if (t) queueMicrotask(() => t.receive(payload));
  }

  /** @internal */
  route(from: RaftId, clusterId: string, to: RaftId, payload: Uint8Array): void {
    if (this.isolated.has(from) || this.isolated.has(to)) return;
    if (this.members.has(key(clusterId, to))) this.inject(clusterId, to, payload);
    else this.noResponders(from, clusterId, to);
  }

  /** @internal A probe: only its failure comes back. */
  probe(from: RaftId, clusterId: string, to: RaftId): void {
    if (this.isolated.has(from) || this.isolated.has(to) || this.members.has(key(clusterId, to))) return;
    this.noResponders(from, clusterId, to);
  }

  private noResponders(from: RaftId, clusterId: string, to: RaftId): void {
    const sender = this.members.get(key(clusterId, from));
    if (sender) queueMicrotask(() => sender.gone(to));
  }

  /** @internal */
  notifyRemoved(from: RaftId, clusterId: string, to: RaftId, index: number): void {
    if (this.isolated.has(from) || this.isolated.has(to)) return;
    const t = this.members.get(key(clusterId, to));
    if (t) queueMicrotask(() => t.removedNotice(from, index));
  }

  /** @internal */
  leave(t: MemoryRaftTransport): void {
    for (const [k, v] of this.members) if (v === t) this.members.delete(k);
  }
}

const key = (clusterId: string, raftId: RaftId) => `${clusterId}/${raftId}`;

class MemoryRaftTransport implements RaftTransport {
  private readonly activity: PeerActivity;
  private readonly handlers = new Set<(m: Message) => void>();
  private readonly reporters = new Set<(r: TransportReport) => void>();
  private closed = false;

  constructor(
    private readonly net: MemoryNetwork,
    private readonly clusterId: string,
    readonly raftId: RaftId,
    inactiveAfterMs: number,
    now: () => number,
    private readonly log: Log,
  ) {
    this.activity = new PeerActivity(inactiveAfterMs, now);
  }

  send(msgs: readonly Message[]): void {
    if (this.closed) return;
    for (const m of msgs) {
      this.net.route(this.raftId, this.clusterId, m.to, encodeEnvelope(this.clusterId, m));
      this.activity.sent(m.to);
      if (m.type === "MsgSnap") for (const h of this.reporters) h({ type: "snapshot", to: m.to, ok: true });
    }
  }

  onMessage(handler: (m: Message) => void): () => void {
    this.handlers.add(handler);
    return () => this.handlers.delete(handler);
  }

  onReport(handler: (r: TransportReport) => void): () => void {
    this.reporters.add(handler);
    return () => this.reporters.delete(handler);
  }

  useMembers(_members: RaftMembers): void {}

  notifyRemoved(to: RaftId, index: number): void {
    if (!this.closed) this.net.notifyRemoved(this.raftId, this.clusterId, to, index);
  }

  removedNotice(by: RaftId, index: number): void {
    if (!this.closed) for (const h of this.reporters) h({ type: "removed", by, index });
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
    for (const id of this.activity.ids()) this.net.probe(this.raftId, this.clusterId, id);
    // The failures are a microtask away; one more lets them land first.
    await new Promise<void>((resolve) => queueMicrotask(resolve));
  }

  /** Nobody is there to receive what was sent to `peer`. */
  gone(peer: RaftId): void {
    if (this.closed || !this.activity.has(peer)) return;
    this.activity.failed(peer);
    for (const h of this.reporters) h({ type: "unreachable", to: peer });
  }

  async close(): Promise<void> {
    this.closed = true;
    this.handlers.clear();
    this.reporters.clear();
    this.net.leave(this);
  }

  receive(payload: Uint8Array): void {
    if (this.closed) return;
    const m = acceptInbound(payload, { clusterId: this.clusterId, raftId: this.raftId }, warnEach(this.log));
    if (!m) return;
    this.activity.heard(m.from, m.type);
    deliver(this.handlers, m, this.log);
  }
}
