import { Code } from "../../rpc/status.ts";
import { corruptRecord, RaftStorageError } from "./errors.ts";
import { encodeRecord, isRecord, type ScannedFrame, type ScannedRecord, SEALED_BATCH, scanRecords } from "./record.ts";
import type { RecordCipher } from "./record-cipher.ts";

/**
 * A WAL sealed with the DEK holds one SEALED_BATCH frame per write: its
 * plaintext is the records of that write (a group commit: every save made
 * while the previous write was in flight, written with one write + one
 * fdatasync), sealed once. Sealing each record on its own cost a random nonce
 * and a cipher context per entry: a third of the commit throughput at 64
 * proposers (bench/README.md). Per write, it is one of each per fdatasync.
 *
 * The frame's CRC is over the sealed bytes, so a write cut short by a crash is
 * still a torn tail, and only the writes since the last fdatasync can be one; a frame whose CRC
 * holds but which fails authentication was written whole and then altered (or
 * the DEK is another). The AAD binds a sealed write to its segment and offset:
 * a valid one copied elsewhere in the WAL fails authentication there.
 */
export interface WritePlace {
  /** The segment's sequence number (from its file name). */
  readonly seq: number;
  /** Where the write starts in the segment. */
  readonly offset: number;
}

/** What goes to disk for one write of `records` (already framed): sealed with the cipher, or as is without one. */
export function frameWrite(cipher: RecordCipher | undefined, records: Buffer, at: WritePlace): Buffer {
  return cipher ? encodeRecord({ type: SEALED_BATCH, payload: cipher.seal(records, aadOf(at)) }) : records;
}

/** The records in a segment's frames, opened with the cipher when there is one; each names its frame's offset. */
export function recordsIn(
  cipher: RecordCipher | undefined,
  frames: readonly ScannedFrame[],
  file: string,
  seq: number,
): ScannedRecord[] {
  const out: ScannedRecord[] = [];
  for (const f of frames) {
    if (cipher) out.push(...openWrite(cipher, f, file, seq));
    else if (isRecord(f)) out.push(f);
    else throw refused(file, f.offset, "is sealed with a DEK, and none was given");
  }
  return out;
}

function openWrite(cipher: RecordCipher, f: ScannedFrame, file: string, seq: number): ScannedRecord[] {
  // Refused rather than read: only builds during issue 10's work sealed record by record.
  if (f.type !== SEALED_BATCH)
    throw refused(
      file,
      f.offset,
      "is not a sealed write: the WAL is in clear, or was sealed record by record by an older swarmbus build; this build does not read it",
    );
  const bad = (why: string) => corruptRecord(file, f.offset, why);
  const { records, stop } = scanRecords(cipher.open(f.payload, aadOf({ seq, offset: f.offset }), bad));
  // Authenticated, so written whole as it is: a bad record inside was never a torn write.
  if (stop) throw bad(`the sealed write holds a bad record at ${stop.offset}: ${stop.why}`);
  return records.map((r) => {
    if (!isRecord(r)) throw bad("a sealed write inside a sealed write");
    return { type: r.type, payload: r.payload, offset: f.offset };
  });
}

function refused(file: string, offset: number, why: string): RaftStorageError {
  return new RaftStorageError(`raft WAL ${file}: the record at offset ${offset} ${why}`, Code.FailedPrecondition);
}

/** type byte | uint64 LE segment seq | uint64 LE offset */
function aadOf(at: WritePlace): Buffer {
  const aad = Buffer.allocUnsafe(17);
  aad.writeUInt8(SEALED_BATCH, 0);
  writeUint64(aad, 1, at.seq);
  writeUint64(aad, 9, at.offset);
  return aad;
}

function writeUint64(buf: Buffer, o: number, n: number): void {
  buf.writeUInt32LE(n % 2 ** 32, o);
  buf.writeUInt32LE(Math.floor(n / 2 ** 32), o + 4);
}
