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
 * follows looks like a write cut short by a crash (nothing valid after it):
 * a short header, a short payload, a bad checksum in the final record, or zeros.
 */
export interface ScanStop {
  readonly offset: number;
  readonly why: string;
  readonly tail: boolean;
}

const allZero = (buf: Uint8Array, from: number): boolean => {
  for (let i = from; i < buf.length; i++) if (buf[i] !== 0) return false;
  return true;
};

const knownTypes = new Set<number>([...Object.values(RecordType), SEALED_BATCH]);

export function scanRecords(buf: Buffer): { records: ScannedFrame[]; stop?: ScanStop } {
  const records: ScannedFrame[] = [];
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
      return { records, stop: { offset: o, why, tail: true } };
    }
    const type = buf.readUInt8(o + 8);
    const payload = buf.subarray(o + HEADER_BYTES, end);
    if (checksum(type, payload) !== buf.readUInt32LE(o + 4))
      return { records, stop: { offset: o, why: "checksum mismatch", tail: allZero(buf, end) } };
    if (!knownTypes.has(type)) return { records, stop: { offset: o, why: `unknown record type ${type}`, tail: false } };
    records.push({ type: type as FrameType, payload, offset: o });
    o = end;
  }
  return { records };
}
