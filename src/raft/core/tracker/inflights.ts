/**
 * The leader's window of MsgApp in flight to one follower (etcd's inflights):
 * a ring buffer of the last index each message carried. When full, the leader
 * stops sending to that follower until acknowledgements free slots.
 */
export class Inflights {
  private readonly buf: number[] = [];
  private start = 0;
  count = 0;

  constructor(readonly size: number) {}

  full(): boolean {
    return this.count >= this.size;
  }

  add(last: number): void {
    if (this.full()) throw new Error("cannot add into a full inflights");
    let next = this.start + this.count;
    if (next >= this.size) next -= this.size;
    this.buf[next] = last;
    this.count++;
  }

  /** Frees every message whose last index ≤ to. */
  freeLE(to: number): void {
    if (this.count === 0 || to < this.buf[this.start]!) return;
    let idx = this.start;
    let i = 0;
    for (; i < this.count; i++) {
      if (to < this.buf[idx]!) break;
      idx++;
      if (idx >= this.size) idx -= this.size;
    }
    this.count -= i;
    this.start = this.count === 0 ? 0 : idx;
  }

  freeFirstOne(): void {
    if (this.count > 0) this.freeLE(this.buf[this.start]!);
  }

  reset(): void {
    this.count = 0;
    this.start = 0;
  }
}
