import type { Entry, Snapshot } from "../types.ts";
import { countWithin } from "./storage.ts";

/**
 * Entries (and at most one snapshot) the core has but the shell has not yet
 * persisted. entries[i] has index offset+i.
 */
export class Unstable {
  snapshot: Snapshot | undefined;
  entries: Entry[] = [];
  constructor(public offset: number) {}

  maybeFirstIndex(): number | undefined {
    return this.snapshot ? this.snapshot.metadata.index + 1 : undefined;
  }

  maybeLastIndex(): number | undefined {
    if (this.entries.length > 0) return this.offset + this.entries.length - 1;
    return this.snapshot ? this.snapshot.metadata.index : undefined;
  }

  maybeTerm(i: number): number | undefined {
    if (i < this.offset) {
      if (this.snapshot && this.snapshot.metadata.index === i) return this.snapshot.metadata.term;
      return undefined;
    }
    const last = this.maybeLastIndex();
    if (last === undefined || i > last) return undefined;
    return this.entries[i - this.offset]!.term;
  }

  /** The shell persisted everything up to (i, t). */
  stableTo(i: number, t: number): void {
    const gt = this.maybeTerm(i);
    if (gt === undefined) return;
    if (gt === t && i >= this.offset) {
      this.entries = this.entries.slice(i + 1 - this.offset);
      this.offset = i + 1;
    }
  }

  stableSnapTo(i: number): void {
    if (this.snapshot && this.snapshot.metadata.index === i) this.snapshot = undefined;
  }

  restore(s: Snapshot): void {
    this.offset = s.metadata.index + 1;
    this.entries = [];
    this.snapshot = s;
  }

  truncateAndAppend(ents: readonly Entry[]): void {
    const after = ents[0]!.index;
    if (after === this.offset + this.entries.length) {
      for (const e of ents) this.entries.push(e);
    } else if (after <= this.offset) {
      this.offset = after;
      this.entries = ents.slice();
    } else {
      const kept = this.entries.slice(0, after - this.offset);
      for (const e of ents) kept.push(e);
      this.entries = kept;
    }
  }

  /** Entries [lo, hi), at most maxSize bytes (at least one). */
  slice(lo: number, hi: number, maxSize = Number.POSITIVE_INFINITY): Entry[] {
    const n = countWithin(this.entries, lo - this.offset, hi - this.offset, maxSize);
    return this.entries.slice(lo - this.offset, lo - this.offset + n);
  }
}
