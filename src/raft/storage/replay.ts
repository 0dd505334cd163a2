import {
  CodecError,
  decodeEntry,
  decodeHardState,
  decodeWalMetadata,
  decodeWalSnapshot,
  type WalMetadata,
} from "../codec.ts";
import type { Entry, HardState } from "../types.ts";
import { corruptRecord, type RaftStorageError } from "./errors.ts";
import { RecordType } from "./record.ts";
import type { WalRecord } from "./wal.ts";

/**
 * What the WAL's records say, read in order: the metadata, the last hard
 * state, the snapshot markers, and the log, where an entry at index i replaces
 * everything from i on (a new leader overwrote a suffix) and a snapshot marker
 * beyond the log, or disagreeing with it, starts the log afresh after it.
 */
export interface WalReplay {
  metadata: WalMetadata | null;
  hardState: HardState;
  /** Where the last hard state was read, for error messages. */
  hardStateAt: { file: string; offset: number } | null;
  /** Snapshot markers, oldest first. */
  markers: { index: number; term: number }[];
  /** Index of entries[0]; null when the WAL holds neither entry nor marker. */
  base: number | null;
  entries: Entry[];
}

export const EMPTY_HARD_STATE: HardState = { term: 0, vote: "0", commit: 0 };

const raftIdPattern = /^[1-9][0-9]*$/;

export function lastIndexOf(r: Pick<WalReplay, "base" | "entries">): number {
  return r.base === null ? 0 : r.base - 1 + r.entries.length;
}

export function replayWal(records: readonly WalRecord[]): WalReplay {
  const out: WalReplay = {
    metadata: null,
    hardState: EMPTY_HARD_STATE,
    hardStateAt: null,
    markers: [],
    base: null,
    entries: [],
  };
  for (const rec of records) {
    const at = (why: string) => corruptRecord(rec.file, rec.offset, why);
    try {
      switch (rec.type) {
        case RecordType.metadata: {
          const m = decodeWalMetadata(rec.payload);
          if (!raftIdPattern.test(m.raftId)) throw at(`metadata has an invalid raft ID ${JSON.stringify(m.raftId)}`);
          if (out.metadata && !sameMetadata(out.metadata, m))
            throw at(
              `metadata ${JSON.stringify(m)} differs from the earlier segments' ${JSON.stringify(out.metadata)}`,
            );
          out.metadata = m;
          break;
        }
        case RecordType.state: {
          const hs = decodeHardState(rec.payload);
          if (hs.term < out.hardState.term)
            throw at(`hard state term ${hs.term} is lower than the earlier ${out.hardState.term}`);
          out.hardState = hs;
          out.hardStateAt = { file: rec.file, offset: rec.offset };
          break;
        }
        case RecordType.snapshot: {
          const mk = decodeWalSnapshot(rec.payload);
          out.markers.push(mk);
          applyMarker(out, mk);
          break;
        }
        case RecordType.entry: {
          const e = decodeEntry(rec.payload);
          if (e.index < 1) throw at(`entry index ${e.index} is not positive`);
          appendEntry(out, e, at);
          break;
        }
      }
    } catch (e) {
      if (e instanceof CodecError) throw at(e.message);
      throw e;
    }
  }
  return out;
}

function sameMetadata(a: WalMetadata, b: WalMetadata): boolean {
  return a.raftId === b.raftId && a.clusterId === b.clusterId && a.nodeId === b.nodeId;
}

function appendEntry(out: WalReplay, e: Entry, at: (why: string) => RaftStorageError): void {
  if (out.base === null || e.index < out.base) {
    out.base = e.index;
    out.entries = [e];
    return;
  }
  const last = lastIndexOf(out);
  if (e.index > last + 1) throw at(`entry index ${e.index} leaves a gap after index ${last}`);
  out.entries.length = e.index - out.base;
  const prev = out.entries[out.entries.length - 1];
  if (prev && e.term < prev.term)
    throw at(`entry ${e.index} has term ${e.term}, lower than entry ${prev.index}'s term ${prev.term}`);
  out.entries.push(e);
}

function applyMarker(out: WalReplay, mk: { index: number; term: number }): void {
  // Before any entry (a segment's preamble repeats the newest marker): the first entry sets the base,
  // and whether a snapshot covers the gap below it is decided when the snapshot is chosen.
  if (out.base === null) return;
  const last = lastIndexOf(out);
  if (mk.index > last) {
    out.base = mk.index + 1;
    out.entries = [];
    return;
  }
  if (mk.index < out.base) return; // the log after it starts later: nothing to check
  if (out.entries[mk.index - out.base]!.term !== mk.term) {
    // The snapshot disagrees with our log: it replaced it.
    out.base = mk.index + 1;
    out.entries = [];
  }
}
