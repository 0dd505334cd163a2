import { randomBytes } from "node:crypto";
import { rpcError } from "../../rpc/status.ts";
import type { RaftCore } from "../core/index.ts";
import type { ReadState } from "../types.ts";

interface Waiter {
  /** The confirmed read index, once the round it rode on is confirmed. */
  index?: number;
  resolve(): void;
  reject(e: Error): void;
  timer: NodeJS.Timeout;
}

/** One ReadIndex request to the core, and the reads that share it. */
interface Round {
  readonly key: string;
  readonly waiters: Set<Waiter>;
}

export interface ReadBarrierDeps {
  readonly core: RaftCore;
  /** The core took the request: drain its Ready (the heartbeats go out). */
  stepped(): void;
  appliedIndex(): number;
}

const keyOf = (ctx: Uint8Array): string => Buffer.from(ctx).toString("hex");

/**
 * Linearizable reads on the leader (etcd's linearizableReadLoop, cut down): a
 * read waits until the core confirms, with a quorum, that this member still
 * led after the read arrived (a ReadState for its context), then until the
 * state machine has applied that ReadState's index; then the store holds
 * every write committed before the read began.
 *
 * Reads that arrive while a round is in flight share the next round: that
 * round's commit index is taken after they arrived, the one in flight may be
 * older than a write they must see. A read never waits on more than two rounds.
 */
export class ReadBarriers {
  private readonly prefix = randomBytes(4);
  private seq = 0;
  private inFlight: Round | undefined;
  private next: Set<Waiter> | undefined;
  /** Confirmed reads waiting for their index to be applied. */
  private confirmed = new Set<Waiter>();

  constructor(private readonly d: ReadBarrierDeps) {}

  /** Resolves once a read begun now may be served from the local store; DeadlineExceeded past `deadline` (epoch ms). */
  wait(deadline: number): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const w: Waiter = {
        resolve,
        reject,
        timer: setTimeout(
          () => {
            this.forget(w);
            reject(rpcError("DeadlineExceeded", "context deadline exceeded"));
          },
          Math.max(0, deadline - Date.now()),
        ),
      };
      if (this.inFlight) {
        this.next ??= new Set();
        this.next.add(w);
        return;
      }
      this.start(new Set([w]));
    });
  }

  /** The core's confirmed reads (a Ready's readStates): their waiters now wait for the apply. */
  released(states: readonly ReadState[]): void {
    for (const rs of states) {
      const round = this.inFlight;
      if (!round || round.key !== keyOf(rs.ctx)) continue;
      this.inFlight = undefined;
      for (const w of round.waiters) {
        w.index = rs.index;
        this.confirmed.add(w);
      }
    }
    this.check();
    if (!this.inFlight && this.next) {
      const waiters = this.next;
      this.next = undefined;
      this.start(waiters);
    }
  }

  /** Settles the confirmed reads whose index is applied. */
  check(): void {
    if (this.confirmed.size === 0) return;
    const applied = this.d.appliedIndex();
    for (const w of this.confirmed) {
      if ((w.index ?? Number.POSITIVE_INFINITY) > applied) continue;
      this.confirmed.delete(w);
      clearTimeout(w.timer);
      w.resolve();
    }
  }

  /** Leadership lost, or the node stops: every read fails with `err`. */
  rejectAll(err: Error): void {
    const all = [...(this.inFlight?.waiters ?? []), ...(this.next ?? []), ...this.confirmed];
    this.inFlight = undefined;
    this.next = undefined;
    this.confirmed = new Set();
    for (const w of all) {
      clearTimeout(w.timer);
      w.reject(err);
    }
  }

  private start(waiters: Set<Waiter>): void {
    const ctx = new Uint8Array(8);
    ctx.set(this.prefix, 0);
    new DataView(ctx.buffer).setUint32(4, ++this.seq >>> 0);
    this.inFlight = { key: keyOf(ctx), waiters };
    this.d.core.readIndex(ctx);
    this.d.stepped();
  }

  private forget(w: Waiter): void {
    this.inFlight?.waiters.delete(w);
    this.next?.delete(w);
    this.confirmed.delete(w);
  }
}
