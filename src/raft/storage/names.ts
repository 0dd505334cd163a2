/**
 * File names of the Raft data: WAL segments `<seq:016x>-<firstIndex:016x>.wal`
 * and snapshots `<term:016x>-<index:016x>.snap` (etcd's and SwarmKit's layout).
 */
const hex16 = (n: number): string => n.toString(16).padStart(16, "0");

export const WAL_DIR = "wal";
export const SNAP_DIR = "snap";
/** Suffix of a file being written; renamed into place once it is on disk. */
export const TMP_SUFFIX = ".tmp";

export const walSegmentName = (seq: number, firstIndex: number): string => `${hex16(seq)}-${hex16(firstIndex)}.wal`;
export const snapshotName = (term: number, index: number): string => `${hex16(term)}-${hex16(index)}.snap`;

const pair = /^([0-9a-f]{16})-([0-9a-f]{16})\.(wal|snap)$/;

function parsePair(name: string, ext: "wal" | "snap"): [number, number] | null {
  const m = pair.exec(name);
  if (!m || m[3] !== ext) return null;
  const a = Number.parseInt(m[1]!, 16);
  const b = Number.parseInt(m[2]!, 16);
  if (!Number.isSafeInteger(a) || !Number.isSafeInteger(b)) return null;
  return [a, b];
}

export function parseWalSegmentName(name: string): { seq: number; firstIndex: number } | null {
  const p = parsePair(name, "wal");
  return p ? { seq: p[0], firstIndex: p[1] } : null;
}

export function parseSnapshotName(name: string): { term: number; index: number } | null {
  const p = parsePair(name, "snap");
  return p ? { term: p[0], index: p[1] } : null;
}
