import type { ConfState, Entry, HardState, Snapshot } from "../types.ts";

/**
 * What the core reads from stable storage (etcd's Storage). Entries and terms
 * below firstIndex() were compacted (ErrCompacted); beyond lastIndex() they do
 * not exist (ErrUnavailable). firstIndex()-1 is the snapshot's index, whose
 * term term() still answers.
 */
export interface LogStorage {
  initialState(): { hardState: HardState; confState: ConfState };
  /** Entries [lo, hi), at most maxSize bytes of data but always at least one. */
  entries(lo: number, hi: number, maxSize: number): Entry[];
  term(i: number): number;
  firstIndex(): number;
  lastIndex(): number;
  snapshot(): Snapshot;
}

/** Bytes an entry counts for against maxSizePerMsg: its data plus a small fixed header. */
export const entrySize = (e: Entry): number => e.data.byteLength + 16;

/** The longest prefix of `ents` within maxSize bytes, never empty if ents is not. Slices, never copies entries. */
export function limitSize<T extends Entry>(ents: T[], maxSize: number): T[] {
  if (ents.length === 0 || maxSize === Number.POSITIVE_INFINITY) return ents;
  let size = entrySize(ents[0]!);
  let n = 1;
  for (; n < ents.length; n++) {
    size += entrySize(ents[n]!);
    if (size > maxSize) break;
  }
  return n === ents.length ? ents : ents.slice(0, n);
}

/** How many of ents[from, to) fit in maxSize bytes (at least one): lets callers slice once, not copy then trim. */
export function countWithin(ents: readonly Entry[], from: number, to: number, maxSize: number): number {
  if (to <= from) return 0;
  if (maxSize === Number.POSITIVE_INFINITY) return to - from;
  let size = entrySize(ents[from]!);
  let i = from + 1;
  for (; i < to; i++) {
    size += entrySize(ents[i]!);
    if (size > maxSize) break;
  }
  return i - from;
}
