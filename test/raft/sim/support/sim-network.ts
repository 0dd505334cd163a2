import type { Message, RaftId } from "../../../../src/raft/types.ts";
import type { Rng } from "./prng.ts";

export interface NetworkFaults {
  drop: number;
  duplicate: number;
  maxDelay: number;
}

interface InFlight {
  readonly m: Message;
  readonly due: number;
}

/**
 * A simulated network: each message is dropped, duplicated or delayed by
 * chance, and delivered in any order once due. A partition puts members in
 * groups; messages between groups are lost.
 */
export class SimNetwork {
  private queue: InFlight[] = [];
  private group = new Map<RaftId, number>();
  faults: NetworkFaults;

  constructor(
    private readonly rng: Rng,
    faults: NetworkFaults,
  ) {
    this.faults = faults;
  }

  partition(groups: RaftId[][]): void {
    this.group = new Map();
    groups.forEach((g, i) => {
      for (const id of g) this.group.set(id, i);
    });
  }

  heal(): void {
    this.group = new Map();
  }

  get partitioned(): boolean {
    return this.group.size > 0;
  }

  /** Whether a message from → to would cross the partition. */
  cut(from: RaftId, to: RaftId): boolean {
    if (this.group.size === 0) return false;
    return (this.group.get(from) ?? -1) !== (this.group.get(to) ?? -1);
  }

  /** Returns false when the message was lost (so the sender may be told it is unreachable). */
  send(m: Message, now: number): boolean {
    if (this.cut(m.from, m.to) || this.rng.chance(this.faults.drop)) return false;
    const copies = this.rng.chance(this.faults.duplicate) ? 2 : 1;
    for (let i = 0; i < copies; i++) this.queue.push({ m, due: now + this.rng.int(this.faults.maxDelay + 1) });
    return true;
  }

  /** Takes one due message, chosen at random (reordering), or undefined; `lost` if a partition cut it meanwhile. */
  takeDue(now: number): { m: Message; lost: boolean } | undefined {
    let due = 0;
    for (const f of this.queue) if (f.due <= now) due++;
    if (due === 0) return undefined;
    let k = this.rng.int(due);
    for (let i = 0; i < this.queue.length; i++) {
      const f = this.queue[i]!;
      if (f.due > now) continue;
      if (k-- === 0) {
        this.queue.splice(i, 1);
        // A partition made after sending still cuts the link.
        return { m: f.m, lost: this.cut(f.m.from, f.m.to) };
      }
    }
    return undefined;
  }

  get size(): number {
    return this.queue.length;
  }
}
