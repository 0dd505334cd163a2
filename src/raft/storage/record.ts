import { crc32 } from "node:zlib";

/**
 * One WAL record on disk:
 *   uint32 LE payload length | uint32 LE crc32(type byte + payload) | uint8 type | payload
 * The types are proto/raft.proto's WalRecordType. In a WAL sealed with the DEK
 * every frame in a file is a SEALED_BATCH, whose payload, once opened, is the
 * records of one group-commit write in this same framing (sealed-batch.ts).
 */
export const RecordType = { metadata: 0, entry: 1, state: 2, snapshot: 3 } as const;
export type RecordTypeNumber = (typeof RecordType)[keyof typeof RecordType];
export const SEALED_BATCH = 4;
export type FrameType = RecordTypeNumber | typeof SEALED_BATCH;
export const HEADER_BYTES = 9;

export interface RecordOut {
  readonly type: RecordTypeNumber;
  readonly payload: Uint8Array;
}

function checksum(type: number, payload: Uint8Array): number {
  return crc32(payload, crc32(Uint8Array.of(type)));
}

export function encodeRecord(r: { readonly type: FrameType; readonly payload: Uint8Array }): Buffer {
  const buf = Buffer.allocUnsafe(HEADER_BYTES + r.payload.length);
  writeRecordAt(buf, 0, r.type, r.payload);
  return buf;
}

/** Records framed one after the other in one buffer (one allocation, no concat). */
export function encodeRecords(records: readonly RecordOut[]): Buffer {
  let size = 0;
  for (const r of records) size += HEADER_BYTES + r.payload.length;
  const buf = Buffer.allocUnsafe(size);
  let o = 0;
  for (const r of records) o = writeRecordAt(buf, o, r.type, r.payload);
  return buf;
}

function writeRecordAt(buf: Buffer, o: number, type: FrameType, payload: Uint8Array): number {
  buf.writeUInt32LE(payload.length, o);
  buf.writeUInt32LE(checksum(type, payload), o + 4);
  buf.writeUInt8(type, o + 8);
  buf.set(payload, o + HEADER_BYTES);
  return o + HEADER_BYTES + payload.length;
}

/** A frame read back: a record, or (in a sealed WAL) a sealed batch of them. */
export interface ScannedFrame {
  readonly type: FrameType;
  readonly payload: Uint8Array;
  /** Byte offset of the frame's header in its file. */
  readonly offset: number;
}

export interface ScannedRecord extends RecordOut {
  /** Byte offset in its file of the record's header, or of the sealed batch holding it. */
  readonly offset: number;
}

export const isRecord = (f: ScannedFrame): f is ScannedRecord => f.type !== SEALED_BATCH;

/**
 * Where a scan stopped before the end of the buffer. `tail` is true when what
 * follows can be the last write cut short by a crash, and nothing else:
 *  - zeros to the end (a tail whose blocks were allocated but never written);
 *  - a short header (fewer than 9 bytes left);
 *  - a short record (its length runs past the end) or a checksum mismatch,
 *    when no well-framed record (known type, fits, checksum holds) starts
 *    anywhere after the damage (a search that gives up past its budget, on
 *    tens of MiB of noise, counts as finding one: the open stops, nothing is cut). Writes are issued one after the other, each
 *    only once the one before is written, and fdatasync'd unless it is a
 *    commit-only hard state (Raft's MustSync): the unsynced tail since the
 *    last fdatasync is all a crash can cut, and the pages it loses read as
 *    zeros (the case below), so nothing written later can follow a write cut
 *    short: a valid frame after the damage means the
 *    damage is in data that was synced (a flipped length field that now points
 *    past the end looks like a cut write until this is checked; etcd's WAL
 *    takes it for one);
 *  - a checksum mismatch in a record holding a sector (512-byte aligned, clipped
 *    to the record's start and the file's end) of zeros: the pages of one write
 *    reach the disk in any order, so a crash can lose one in the middle of the
 *    unsynced tail while the records after it made it (etcd's isTornEntry).
 *    Those records were never acknowledged as durable: they go with it.
 * Everything else (an unknown type, damage with valid records after) is
 * corruption.
 */
export interface ScanStop {
  readonly offset: number;
  readonly why: string;
  readonly tail: boolean;
}

const SECTOR_BYTES = 512;

const allZero = (buf: Uint8Array, from: number, to = buf.length): boolean => {
  for (let i = from; i < to; i++) if (buf[i] !== 0) return false;
  return true;
};

const knownTypes = new Set<number>([...Object.values(RecordType), SEALED_BATCH]);
const clearTypes: ReadonlySet<number> = new Set<number>(Object.values(RecordType));
const sealedTypes: ReadonlySet<number> = new Set<number>([SEALED_BATCH]);

/**
 * Bytes of checksum a resynchronising scan may compute before it gives up: a
 * few hundred milliseconds. Random bytes pass for a frame header now and then
 * (a known type, a length that fits), and each costs a checksum over what it
 * claims; in a tail of tens of MiB of ciphertext that would take minutes.
 */
const RESYNC_CRC_BUDGET = 256 * 1024 * 1024;

/** What a header at `o` says, when it can be one: a known type and a length within the buffer. */
function plausibleHeader(buf: Buffer, o: number, types: ReadonlySet<number>): number | undefined {
  if (o + HEADER_BYTES > buf.length || !types.has(buf[o + 8]!)) return undefined;
  const end = o + HEADER_BYTES + buf.readUInt32LE(o);
  return end <= buf.length ? end : undefined;
}

/**
 * The first offset after `o` where a well-framed record starts, if any: a
 * plausible header, followed by the end of the buffer, zeros, a short header
 * or another header of a known type (cheap checks first), whose checksum
 * holds. "budget" when the checksums it took ran past RESYNC_CRC_BUDGET.
 */
function nextFrameAfter(buf: Buffer, o: number, types: ReadonlySet<number>): number | "budget" | undefined {
  let spent = 0;
  for (let p = o + 1; p + HEADER_BYTES <= buf.length; p++) {
    const end = plausibleHeader(buf, p, types);
    if (end === undefined) continue;
    const follows = end === buf.length || buf.length - end < HEADER_BYTES || types.has(buf[end + 8]!);
    if (!follows && !allZero(buf, end)) continue;
    spent += end - p;
    if (spent > RESYNC_CRC_BUDGET) return "budget";
    if (checksum(buf[p + 8]!, buf.subarray(p + HEADER_BYTES, end)) === buf.readUInt32LE(p + 4)) return p;
  }
  return undefined;
}

/** A sector overlapping [from, to) that is all zeros from `from` (or its start) to its end (or the buffer's). */
function zeroSector(buf: Buffer, from: number, to: number): boolean {
  for (let s = from - (from % SECTOR_BYTES); s < to; s += SECTOR_BYTES) {
    if (allZero(buf, Math.max(s, from), Math.min(s + SECTOR_BYTES, buf.length))) return true;
  }
  return false;
}

/** A stop at `o`: a torn tail unless a valid record follows (see ScanStop). */
function damaged(buf: Buffer, o: number, why: string, types: ReadonlySet<number>, tornSector = false): ScanStop {
  if (tornSector) return { offset: o, why: `${why} (a sector of zeros: a torn write)`, tail: true };
  const next = nextFrameAfter(buf, o, types);
  if (next === undefined) return { offset: o, why, tail: true };
  if (next === "budget")
    return {
      offset: o,
      why: `${why}; the search for a valid record after it gave up: not shown to be a torn write`,
      tail: false,
    };
  return { offset: o, why: `${why}; a valid record follows at offset ${next}: not a torn write`, tail: false };
}

export function scanRecords(buf: Buffer): { records: ScannedFrame[]; stop?: ScanStop } {
  const records: ScannedFrame[] = [];
  // A file is sealed throughout or in clear throughout: its first frame says which (sealed-batch.ts).
  const types = buf.length > 8 && buf[8] === SEALED_BATCH ? sealedTypes : clearTypes;
  let o = 0;
  while (o < buf.length) {
    if (allZero(buf, o)) return { records, stop: { offset: o, why: "trailing zeros", tail: true } };
    const avail = buf.length - o;
    if (avail < HEADER_BYTES)
      return { records, stop: { offset: o, why: `short header (${avail} of ${HEADER_BYTES} bytes)`, tail: true } };
    const length = buf.readUInt32LE(o);
    const end = o + HEADER_BYTES + length;
    if (end > buf.length) {
      const why = `short record (${length} payload bytes declared, ${avail - HEADER_BYTES} present)`;
      return { records, stop: damaged(buf, o, why, types) };
    }
    const type = buf.readUInt8(o + 8);
    const payload = buf.subarray(o + HEADER_BYTES, end);
    if (checksum(type, payload) !== buf.readUInt32LE(o + 4))
      return { records, stop: damaged(buf, o, "checksum mismatch", types, zeroSector(buf, o, end)) };
    if (!knownTypes.has(type)) return { records, stop: { offset: o, why: `unknown record type ${type}`, tail: false } };
    records.push({ type: type as FrameType, payload, offset: o });
    o = end;
  }
  return { records };
}
