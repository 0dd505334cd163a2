import { headers, type Msg, type NatsConnection, type Subscription } from "@nats-io/transport-node";
import { inboxOf } from "../../bus/connection.ts";
import type { RaftId } from "../types.ts";

/** Marks a probe on a raft subject: the receiver drops it before anything else looks at it. */
export const PROBE_HEADER = "Swarmbus-Raft-Probe";

/** The status nats-server answers on the reply subject of a message nobody listens to. */
const NO_RESPONDERS = 503;

/**
 * SwarmKit's failed send on a bus where sends do not fail: every raft message
 * to a peer carries a reply subject of this member's, `<inbox>.<peer>`, that
 * nobody answers while the peer listens. When the peer's process is gone (or
 * its raft subscription closed), nats-server has dropped its interest and
 * answers that reply subject at once with a "no responders" status: the peer
 * is gone, known within a message's round trip instead of an election timeout.
 * A peer that listens but is cut off gets no status, and is left to the
 * timeout rule of PeerActivity. Owns its inbox subscription.
 */
export class NatsLiveness {
  private readonly inbox: string;
  private readonly sub: Subscription;
  private readonly replies = new Map<RaftId, string>();

  constructor(
    private readonly nc: NatsConnection,
    private readonly onGone: (peer: RaftId) => void,
  ) {
    // Under the connection's inbox prefix: the only inboxes a manager's credentials may listen on.
    this.inbox = inboxOf(nc);
    this.sub = nc.subscribe(`${this.inbox}.*`, {
      callback: (err, msg) => {
        if (!err) this.status(msg);
      },
    });
  }

  /** The reply subject to put on a message to `peer`. */
  replyTo(peer: RaftId): string {
    let s = this.replies.get(peer);
    if (s === undefined) {
      s = `${this.inbox}.${peer}`;
      this.replies.set(peer, s);
    }
    return s;
  }

  /**
   * Puts an empty probe on each peer's subject and waits (at most `boundMs`)
   * for the server's answer to a ping sent after them: it processed the probes
   * first, so a peer nobody listens for has been reported gone when this resolves.
   */
  async probe(peers: readonly { id: RaftId; subject: string }[], boundMs: number): Promise<void> {
    if (peers.length === 0 || this.nc.isClosed()) return;
    const h = headers();
    h.set(PROBE_HEADER, "1");
    for (const p of peers) this.nc.publish(p.subject, new Uint8Array(0), { headers: h, reply: this.replyTo(p.id) });
    // While the connection is down the ping waits for a reconnect: go on with what is known.
    let timer: NodeJS.Timeout | undefined;
    const bound = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, boundMs);
    });
    await Promise.race([this.nc.flush(), bound]).finally(() => clearTimeout(timer));
  }

  close(): void {
    if (!this.nc.isClosed()) this.sub.unsubscribe();
  }

  private status(msg: Msg): void {
    if (msg.headers?.code !== NO_RESPONDERS || msg.data.length !== 0) return;
    const peer = msg.subject.slice(this.inbox.length + 1);
    if (peer !== "") this.onGone(peer);
  }
}
