import { crc32 } from "node:zlib";

/**
 * One WAL record on disk:
 *   uint32 LE payload length | uint32 LE crc32(type byte + payload) | uint8 type | payload
 * The types are proto/raft.proto's WalRecordType.
 */
export const RecordType = { metadata: 0, entry: 1, state: 2, snapshot: 3 } as const;
export type RecordTypeNumber = (typeof RecordType)[keyof typeof RecordType];
export const HEADER_BYTES = 9;

export interface RecordOut {
  readonly type: RecordTypeNumber;
  readonly payload: Uint8Array;
}

function checksum(type: number, payload: Uint8Array): number {
  return crc32(payload, crc32(Uint8Array.of(type)));
}

export function encodeRecord(r: RecordOut): Buffer {
  const buf = Buffer.allocUnsafe(HEADER_BYTES + r.payload.length);
  buf.writeUInt32LE(r.payload.length, 0);
  buf.writeUInt32LE(checksum(r.type, r.payload), 4);
  buf.writeUInt8(r.type, 8);
  buf.set(r.payload, HEADER_BYTES);
  return buf;
}

export interface ScannedRecord extends RecordOut {
  /** Byte offset of the record's header in its file. */
  readonly offset: number;
}

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

const knownTypes = new Set<number>(Object.values(RecordType));

export function scanRecords(buf: Buffer): { records: ScannedRecord[]; stop?: ScanStop } {
  const records: ScannedRecord[] = [];
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
    records.push({ type: type as RecordTypeNumber, payload, offset: o });
    o = end;
  }
  return { records };
}
