import type { MessageType, RaftId } from "../types.ts";

/** What a node sends when it hears no leader: proof that it runs and reaches us, not that it hears us. */
const CAMPAIGN: ReadonlySet<MessageType> = new Set(["MsgPreVote", "MsgVote"]);

interface PeerState {
  /** When the peer was added or last heard from. */
  lastHeardAt: number;
  /** The first send since lastHeardAt; undefined when every send was answered. */
  unansweredSince: number | undefined;
  /** A send failed since the peer was last heard from. */
  failed: boolean;
}

/**
 * Which peers look alive, from traffic alone (SwarmKit's peer.active, adapted
 * to a publish-only bus): a peer is inactive after a failed send (on NATS, a
 * message nobody was listening for), or when something was sent to it and
 * nothing came back for `inactiveAfterMs` (an election timeout: a peer that
 * listens but is cut off). Hearing from it makes
 * it active again, unless what we hear is a campaign (pre-vote, vote): a peer
 * that cannot hear us campaigns forever, and its campaign says it reaches us,
 * not that it hears us — SwarmKit, whose sends to it fail, shows it unreachable.
 * Peers we never send to (follower ↔ follower) stay active, as they do in SwarmKit.
 */
export class PeerActivity {
  private readonly peers = new Map<RaftId, PeerState>();

  constructor(
    private readonly inactiveAfterMs: number,
    private readonly now: () => number,
  ) {}

  add(id: RaftId): void {
    if (!this.peers.has(id)) this.peers.set(id, { lastHeardAt: this.now(), unansweredSince: undefined, failed: false });
  }

  remove(id: RaftId): void {
    this.peers.delete(id);
  }

  has(id: RaftId): boolean {
    return this.peers.has(id);
  }

  ids(): RaftId[] {
    return [...this.peers.keys()];
  }

  sent(id: RaftId): void {
    const p = this.peers.get(id);
    if (p && p.unansweredSince === undefined) p.unansweredSince = this.now();
  }

  failed(id: RaftId): void {
    const p = this.peers.get(id);
    if (p) p.failed = true;
  }

  heard(id: RaftId, type?: MessageType): void {
    const p = this.peers.get(id);
    if (!p || (type !== undefined && CAMPAIGN.has(type))) return;
    p.lastHeardAt = this.now();
    p.unansweredSince = undefined;
    p.failed = false;
  }

  active(id: RaftId): boolean {
    const p = this.peers.get(id);
    if (!p || p.failed) return false;
    return p.unansweredSince === undefined || this.now() - p.unansweredSince < this.inactiveAfterMs;
  }
}
