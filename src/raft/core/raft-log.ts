import type { Entry, Snapshot } from "../types.ts";
import { ErrCompacted, ErrUnavailable, RaftInvariantError } from "./errors.ts";
import { type LogStorage, limitSize } from "./storage.ts";
import { Unstable } from "./unstable.ts";

/**
 * The log as the core sees it: the persisted part (storage) followed by the
 * unstable part, with the commit and applied cursors (etcd's raftLog).
 */
export class RaftLog {
  readonly unstable: Unstable;
  committed: number;
  applied: number;

  constructor(
    readonly storage: LogStorage,
    private readonly maxNextEntsSize = Number.POSITIVE_INFINITY,
  ) {
    const first = storage.firstIndex();
    const last = storage.lastIndex();
    this.unstable = new Unstable(last + 1);
    this.committed = first - 1;
    this.applied = first - 1;
  }

  /** Appends leader entries after (index, logTerm) if they match; returns the new last index, or undefined on mismatch. */
  maybeAppend(index: number, logTerm: number, committed: number, ents: readonly Entry[]): number | undefined {
    if (!this.matchTerm(index, logTerm)) return undefined;
    const lastNew = index + ents.length;
    const ci = this.findConflict(ents);
    if (ci !== 0) {
      if (ci <= this.committed) {
        throw new RaftInvariantError(`entry ${ci} conflicts with committed entry [committed(${this.committed})]`);
      }
      this.append(ents.slice(ci - (index + 1)));
    }
    this.commitTo(Math.min(committed, lastNew));
    return lastNew;
  }

  append(ents: readonly Entry[]): number {
    if (ents.length === 0) return this.lastIndex();
    const after = ents[0]!.index - 1;
    if (after < this.committed) {
      throw new RaftInvariantError(`after(${after}) is out of range [committed(${this.committed})]`);
    }
    this.unstable.truncateAndAppend(ents);
    return this.lastIndex();
  }

  /** The first entry whose term differs from ours (or that we lack), 0 if none. */
  findConflict(ents: readonly Entry[]): number {
    for (const e of ents) if (!this.matchTerm(e.index, e.term)) return e.index;
    return 0;
  }

  unstableEntries(): Entry[] {
    return this.unstable.entries;
  }

  /** Committed entries not yet applied (may include unstable ones: the shell persists before applying). */
  nextEnts(): Entry[] {
    const off = Math.max(this.applied + 1, this.firstIndex());
    if (this.committed + 1 > off) return this.slice(off, this.committed + 1, this.maxNextEntsSize);
    return [];
  }

  hasNextEnts(): boolean {
    return this.committed + 1 > Math.max(this.applied + 1, this.firstIndex());
  }

  snapshot(): Snapshot {
    return this.unstable.snapshot ?? this.storage.snapshot();
  }

  firstIndex(): number {
    return this.unstable.maybeFirstIndex() ?? this.storage.firstIndex();
  }

  lastIndex(): number {
    return this.unstable.maybeLastIndex() ?? this.storage.lastIndex();
  }

  commitTo(toCommit: number): void {
    if (this.committed < toCommit) {
      if (this.lastIndex() < toCommit) {
        throw new RaftInvariantError(`tocommit(${toCommit}) is out of range [lastIndex(${this.lastIndex()})]`);
      }
      this.committed = toCommit;
    }
  }

  appliedTo(i: number): void {
    if (i === 0) return;
    if (this.committed < i || i < this.applied) {
      throw new RaftInvariantError(
        `applied(${i}) is out of range [prevApplied(${this.applied}), committed(${this.committed})]`,
      );
    }
    this.applied = i;
  }

  stableTo(i: number, t: number): void {
    this.unstable.stableTo(i, t);
  }

  stableSnapTo(i: number): void {
    this.unstable.stableSnapTo(i);
  }

  lastTerm(): number {
    return this.termOrZero(this.lastIndex());
  }

  /** Term of entry i: 0 outside [firstIndex-1, lastIndex]; throws ErrCompacted when the storage compacted it. */
  term(i: number): number {
    const dummy = this.firstIndex() - 1;
    if (i < dummy || i > this.lastIndex()) return 0;
    const t = this.unstable.maybeTerm(i);
    if (t !== undefined) return t;
    return this.storage.term(i);
  }

  termOrZero(i: number): number {
    try {
      return this.term(i);
    } catch (e) {
      if (e instanceof ErrCompacted || e instanceof ErrUnavailable) return 0;
      throw e;
    }
  }

  /** Entries from i on, at most maxSize bytes (throws ErrCompacted). */
  entries(i: number, maxSize: number): Entry[] {
    if (i > this.lastIndex()) return [];
    return this.slice(i, this.lastIndex() + 1, maxSize);
  }

  /** Whether a candidate's log (last index/term) is at least as up to date as ours. */
  isUpToDate(lastIndex: number, term: number): boolean {
    const ourTerm = this.lastTerm();
    return term > ourTerm || (term === ourTerm && lastIndex >= this.lastIndex());
  }

  matchTerm(i: number, t: number): boolean {
    try {
      return this.term(i) === t;
    } catch {
      return false;
    }
  }

  /** Commits maxIndex only if that entry is of `term` (the current term): Raft §5.4.2. */
  maybeCommit(maxIndex: number, term: number): boolean {
    if (maxIndex > this.committed && this.termOrZero(maxIndex) === term) {
      this.commitTo(maxIndex);
      return true;
    }
    return false;
  }

  restore(s: Snapshot): void {
    this.committed = s.metadata.index;
    this.unstable.restore(s);
  }

  slice(lo: number, hi: number, maxSize: number): Entry[] {
    this.mustCheckOutOfBounds(lo, hi);
    if (lo === hi) return [];
    let ents: Entry[] = [];
    const off = this.unstable.offset;
    if (lo < off) {
      const stored = this.storage.entries(lo, Math.min(hi, off), maxSize);
      if (stored.length < Math.min(hi, off) - lo) return stored;
      ents = stored;
    }
    if (hi > off) {
      if (ents.length === 0) return this.unstable.slice(Math.max(lo, off), hi, maxSize);
      // Only as much of the unstable part as can still fit.
      const unst = this.unstable.slice(Math.max(lo, off), hi, maxSize);
      ents = limitSize(ents.concat(unst), maxSize);
    }
    return ents;
  }

  private mustCheckOutOfBounds(lo: number, hi: number): void {
    if (lo > hi) throw new RaftInvariantError(`invalid slice ${lo} > ${hi}`);
    const fi = this.firstIndex();
    if (lo < fi) throw new ErrCompacted();
    if (hi > this.lastIndex() + 1) {
      throw new RaftInvariantError(`slice[${lo},${hi}) out of bound [${fi},${this.lastIndex()}]`);
    }
  }
}
