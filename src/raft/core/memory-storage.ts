import { type ConfState, type Entry, type HardState, NONE, type Snapshot } from "../types.ts";
import { ErrCompacted, ErrSnapOutOfDate, ErrUnavailable, RaftInvariantError } from "./errors.ts";
import { countWithin, type LogStorage } from "./storage.ts";

const EMPTY = new Uint8Array(0);

export const emptySnapshot = (): Snapshot => ({
  metadata: { index: 0, term: 0, confState: { voters: [] } },
  data: EMPTY,
});

/**
 * The in-memory twin of what a node has persisted (etcd's MemoryStorage):
 * the shell writes here after the WAL holds a Ready, the core reads from here.
 * ents[0] is a dummy entry standing for the snapshot's (index, term).
 */
export class MemoryStorage implements LogStorage {
  private hardState: HardState = { term: 0, vote: NONE, commit: 0 };
  private snap: Snapshot = emptySnapshot();
  private ents: Entry[] = [{ term: 0, index: 0, type: "normal", data: EMPTY }];

  initialState(): { hardState: HardState; confState: ConfState } {
    return { hardState: this.hardState, confState: this.snap.metadata.confState };
  }

  setHardState(hs: HardState): void {
    this.hardState = hs;
  }

  private get offset(): number {
    return this.ents[0]!.index;
  }

  entries(lo: number, hi: number, maxSize: number): Entry[] {
    const offset = this.offset;
    if (lo <= offset) throw new ErrCompacted();
    if (hi > this.lastIndex() + 1)
      throw new RaftInvariantError(`entries' hi(${hi}) is out of bound lastindex(${this.lastIndex()})`);
    if (this.ents.length === 1) throw new ErrUnavailable();
    const n = countWithin(this.ents, lo - offset, hi - offset, maxSize);
    return this.ents.slice(lo - offset, lo - offset + n);
  }

  term(i: number): number {
    const offset = this.offset;
    if (i < offset) throw new ErrCompacted();
    const e = this.ents[i - offset];
    if (!e) throw new ErrUnavailable();
    return e.term;
  }

  lastIndex(): number {
    return this.offset + this.ents.length - 1;
  }

  firstIndex(): number {
    return this.offset + 1;
  }

  snapshot(): Snapshot {
    return this.snap;
  }

  /** Replaces the whole log with a snapshot received from a leader. */
  applySnapshot(s: Snapshot): void {
    if (this.snap.metadata.index >= s.metadata.index) throw new ErrSnapOutOfDate();
    this.snap = s;
    this.ents = [{ term: s.metadata.term, index: s.metadata.index, type: "normal", data: EMPTY }];
  }

  /** Records a snapshot of the applied state at `index` (≤ lastIndex); compact separately. */
  createSnapshot(index: number, confState: ConfState, data: Uint8Array): Snapshot {
    if (index <= this.snap.metadata.index) throw new ErrSnapOutOfDate();
    if (index > this.lastIndex()) {
      throw new RaftInvariantError(`snapshot ${index} is out of bound lastindex(${this.lastIndex()})`);
    }
    const term = this.ents[index - this.offset]!.term;
    this.snap = { metadata: { index, term, confState: { voters: [...confState.voters] } }, data };
    return this.snap;
  }

  /** Drops entries up to and including `index`; that entry becomes the dummy. */
  compact(index: number): void {
    const offset = this.offset;
    if (index <= offset) throw new ErrCompacted();
    if (index > this.lastIndex()) {
      throw new RaftInvariantError(`compact ${index} is out of bound lastindex(${this.lastIndex()})`);
    }
    const i = index - offset;
    const kept = this.ents.slice(i);
    kept[0] = { term: kept[0]!.term, index: kept[0]!.index, type: "normal", data: EMPTY };
    this.ents = kept;
  }

  /** Appends entries, truncating any conflicting suffix. The entries must be contiguous with the log. */
  append(entries: readonly Entry[]): void {
    if (entries.length === 0) return;
    const first = this.firstIndex();
    const last = entries[0]!.index + entries.length - 1;
    if (last < first) return;
    let ents = entries;
    if (first > ents[0]!.index) ents = ents.slice(first - ents[0]!.index);
    const offset = ents[0]!.index - this.offset;
    if (this.ents.length > offset) {
      this.ents = this.ents.slice(0, offset);
    } else if (this.ents.length < offset) {
      throw new RaftInvariantError(`missing log entry [last: ${this.lastIndex()}, append at: ${ents[0]!.index}]`);
    }
    for (const e of ents) this.ents.push(e);
  }
}
