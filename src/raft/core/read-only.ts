import type { RaftId, ReadState } from "../types.ts";

/** A read the leader asked its followers to confirm: the commit index it saw, and who acknowledged. */
interface ReadIndexStatus {
  readonly index: number;
  readonly ctx: Uint8Array;
  readonly acks: Set<RaftId>;
}

/** A context as a map key: its bytes, one char each. */
const keyOf = (ctx: Uint8Array): string => String.fromCharCode(...ctx);

/**
 * The leader's read-index requests still waiting on a quorum (etcd's
 * readOnly, ReadOnlySafe): each keyed by its context, in arrival order. A
 * quorum acknowledging one context confirms every earlier request as well —
 * the leader was still leading when it sent that heartbeat, later than theirs.
 */
export class ReadOnly {
  private readonly pending = new Map<string, ReadIndexStatus>();
  private queue: string[] = [];

  get size(): number {
    return this.pending.size;
  }

  /** Records a read at `index`, acknowledged by the leader itself; a context already queued is ignored. */
  add(index: number, ctx: Uint8Array, self: RaftId): void {
    const key = keyOf(ctx);
    if (this.pending.has(key)) return;
    this.pending.set(key, { index, ctx, acks: new Set([self]) });
    this.queue.push(key);
  }

  /** Who has acknowledged `ctx` now that `from` did; undefined for a context we did not send. */
  recvAck(from: RaftId, ctx: Uint8Array): ReadonlySet<RaftId> | undefined {
    const rs = this.pending.get(keyOf(ctx));
    if (!rs) return undefined;
    rs.acks.add(from);
    return rs.acks;
  }

  /** Releases `ctx` and every request queued before it, oldest first. */
  advance(ctx: Uint8Array): ReadState[] {
    const at = this.queue.indexOf(keyOf(ctx));
    if (at < 0) return [];
    const done = this.queue.slice(0, at + 1);
    this.queue = this.queue.slice(at + 1);
    const out: ReadState[] = [];
    for (const key of done) {
      const rs = this.pending.get(key);
      this.pending.delete(key);
      if (rs) out.push({ index: rs.index, ctx: rs.ctx });
    }
    return out;
  }

  /** The newest context still waiting: periodic heartbeats carry it, so a lost round is asked again. */
  lastPendingCtx(): Uint8Array | undefined {
    const key = this.queue.at(-1);
    return key === undefined ? undefined : this.pending.get(key)?.ctx;
  }
}
