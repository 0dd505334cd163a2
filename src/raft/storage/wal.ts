import { corruptRecord, RaftStorageError, type WarnLog } from "./errors.ts";
import { fsyncDir, mkdirDurable, writeFully } from "./fs-durable.ts";
import { parseWalSegmentName, TMP_SUFFIX, walSegmentName } from "./names.ts";
import { encodeRecords, type RecordOut, RecordType, type ScannedRecord, scanRecords } from "./record.ts";
import type { RecordCipher } from "./record-cipher.ts";
import { frameWrite, recordsIn } from "./sealed-batch.ts";
import { nodeStorageFs, type StorageFile, type StorageFs } from "./storage-fs.ts";

/**
 * The segmented write-ahead log: record framing, fdatasync'd group commit,
 * segment cut and release, torn-tail repair on open. A write may skip its
 * fdatasync (Raft's MustSync: a hard state whose only change is the commit);
 * the next synced write, the cut of the segment or the close makes it durable. It knows record types but
 * not what entries mean; replay.ts interprets the records.
 *
 * Every segment begins with a METADATA record, then (when there are) the latest
 * STATE and the newest snapshot's marker, so the segments left after a release
 * replay on their own; the current segment is never released.
 */
export interface WalOptions {
  /** A segment is cut once it grows past this many bytes (SwarmKit/etcd: 64 MiB). */
  segmentBytes: number;
  log: WarnLog;
  /** Seals every write with the DEK (sealed-batch.ts); records are in clear without it. */
  cipher?: RecordCipher;
  /** The file operations (a faulty or crashable one in tests); node:fs by default. */
  fs?: StorageFs;
}

export const DEFAULT_SEGMENT_BYTES = 64 * 1024 * 1024;

/** A record read back, with where it sits (for error messages). */
export interface WalRecord extends ScannedRecord {
  readonly file: string;
}

interface Segment {
  readonly seq: number;
  readonly firstIndex: number;
  readonly path: string;
}

interface Pending {
  /** The records, framed (in clear: sealing is per write, in flush). */
  readonly buf: Buffer;
  readonly records: readonly RecordOut[];
  readonly lastIndex: number | undefined;
  readonly sync: boolean;
  resolve(): void;
  reject(e: unknown): void;
}

export interface WalStats {
  /** Calls to append that were acknowledged. */
  appends: number;
  /** Group-commit writes (each followed by one fdatasync when one of its appends asked for it). */
  writes: number;
  /** fdatasync calls on segments (after a write, before a cut, at close). */
  syncs: number;
}

export class Wal {
  private queue: Pending[] = [];
  private flushing = false;
  private failed: Error | null = null;
  private closed = false;
  private idle: Promise<void> = Promise.resolve();
  private lastIndex = 0;
  /** The current segment holds writes not fdatasync'd yet. */
  private dirty = false;
  readonly stats: WalStats = { appends: 0, writes: 0, syncs: 0 };

  private constructor(
    private readonly dir: string,
    private readonly opts: WalOptions,
    private readonly segments: Segment[],
    private fh: StorageFile,
    private position: number,
    private readonly metadata: Uint8Array,
    private lastState: Uint8Array | null,
    private lastSnapshot: Uint8Array | null,
  ) {
    this.fs = opts.fs ?? nodeStorageFs;
  }

  private readonly fs: StorageFs;

  /** Segment files present, oldest first. */
  get files(): string[] {
    return this.segments.map((s) => s.path);
  }

  /** Reads every segment (repairing a torn tail); `wal` is null when there is no WAL yet. */
  static async open(dir: string, opts: WalOptions): Promise<{ wal: Wal | null; records: WalRecord[] }> {
    const fs = opts.fs ?? nodeStorageFs;
    await mkdirDurable(dir, 0o700, fs);
    const segments = await listSegments(fs, dir, opts.log);
    if (segments.length === 0) return { wal: null, records: [] };

    const records: WalRecord[] = [];
    let tailSize = 0;
    for (let i = 0; i < segments.length; i++) {
      const seg = segments[i]!;
      const isLast = i === segments.length - 1;
      const buf = await fs.readFile(seg.path);
      const { records: frames, stop } = scanRecords(buf);
      let size = buf.length;
      if (stop) {
        if (!isLast || !stop.tail) throw corruptRecord(seg.path, stop.offset, stop.why);
        opts.log.warn(
          { file: seg.path, offset: stop.offset, droppedBytes: buf.length - stop.offset, why: stop.why },
          "raft WAL: torn tail truncated",
        );
        size = stop.offset;
      }
      const recs = recordsIn(opts.cipher, frames, seg.path, seg.seq);
      if (recs.length === 0 || recs[0]!.type !== RecordType.metadata) {
        if (isLast && recs.length === 0 && i > 0) {
          opts.log.warn({ file: seg.path }, "raft WAL: removing a last segment without a complete metadata record");
          await fs.unlink(seg.path);
          await fsyncDir(dir, fs);
          segments.pop();
          tailSize = -1;
          break;
        }
        throw corruptRecord(seg.path, 0, "the segment does not begin with a metadata record");
      }
      for (const r of recs) records.push({ ...r, file: seg.path });
      if (isLast) tailSize = size;
    }
    const last = segments[segments.length - 1]!;
    const fh = await fs.open(last.path, "r+");
    if (tailSize === -1) tailSize = (await fh.stat()).size;
    if ((await fh.stat()).size !== tailSize) {
      await fh.truncate(tailSize);
      await fh.sync();
    }
    const lastOf = (type: number): Uint8Array | null => {
      for (let i = records.length - 1; i >= 0; i--) if (records[i]!.type === type) return records[i]!.payload;
      return null;
    };
    const meta = lastOf(RecordType.metadata)!;
    const wal = new Wal(dir, opts, segments, fh, tailSize, meta, lastOf(RecordType.state), lastOf(RecordType.snapshot));
    return { wal, records };
  }

  /** Starts a new WAL: the first segment is written whole (metadata, fsync) before it appears under its name. */
  static async create(dir: string, metadata: Uint8Array, opts: WalOptions): Promise<Wal> {
    const fs = opts.fs ?? nodeStorageFs;
    await mkdirDurable(dir, 0o700, fs);
    if ((await listSegments(fs, dir, opts.log)).length > 0)
      throw new RaftStorageError(`raft WAL ${dir}: already exists`);
    const seg = { seq: 0, firstIndex: 0, path: `${dir}/${walSegmentName(0, 0)}` };
    const { fh, size } = await writeSegment(fs, dir, seg, opts.cipher, [
      { type: RecordType.metadata, payload: metadata },
    ]);
    return new Wal(dir, opts, [seg], fh, size, metadata, null, null);
  }

  /** The index the next segment's name starts after (the log's last index), known after replay. */
  noteLastIndex(index: number): void {
    this.lastIndex = index;
  }

  /**
   * Appends records; resolves once they are written, and fdatasync'd unless
   * `sync` is false (then a crash may lose them, and only them: they are the
   * segment's tail until a synced write, a cut or the close syncs them). Calls
   * made while a write is in flight are coalesced into the next single write,
   * fdatasync'd when any of them asked for it. `lastIndex` is the log's last
   * index once these records are in.
   */
  append(records: readonly RecordOut[], lastIndex?: number, sync = true): Promise<void> {
    if (this.closed) return Promise.reject(new RaftStorageError(`raft WAL ${this.dir}: closed`));
    if (this.failed) return Promise.reject(this.failed);
    const buf = encodeRecords(records);
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ buf, records, lastIndex, sync, resolve, reject });
      if (!this.flushing) {
        this.flushing = true;
        // Let every save issued in this tick join the first write.
        this.idle = new Promise<void>((done) => queueMicrotask(() => void this.flush().finally(done)));
      }
    });
  }

  private async flush(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0);
        let at = this.position;
        try {
          const plain = batch.length === 1 ? batch[0]!.buf : Buffer.concat(batch.map((p) => p.buf));
          const seq = this.segments[this.segments.length - 1]!.seq;
          at = this.position;
          const buf = frameWrite(this.opts.cipher, plain, { seq, offset: at });
          await writeFully(this.fh, buf, at);
          this.position += buf.length;
          this.stats.writes++;
          if (batch.some((p) => p.sync)) await this.datasync();
          else this.dirty = true;
        } catch (e) {
          // Best effort: what this write left (in the page cache, maybe not on disk — after a failed
          // fdatasync Linux may drop the dirty pages' error and keep them readable) is cut off, so a
          // restart does not read back as written what was never acknowledged. Before the callers
          // hear of the failure: one that then stops and reopens the log finds it cut.
          await this.fh.truncate(at).catch(() => {});
          this.fail(e, batch, at);
          return;
        }
        for (const p of batch) {
          for (const r of p.records) {
            if (r.type === RecordType.state) this.lastState = r.payload;
            else if (r.type === RecordType.snapshot) this.lastSnapshot = r.payload;
          }
          if (p.lastIndex !== undefined) this.lastIndex = p.lastIndex;
          this.stats.appends++;
          p.resolve();
        }
        if (this.position >= this.opts.segmentBytes) {
          try {
            await this.cut();
          } catch (e) {
            this.fail(e, [], this.position);
            return;
          }
        }
      }
    } finally {
      this.flushing = false;
    }
  }

  /** fdatasync of the current segment: everything written to it so far is on disk. */
  private async datasync(): Promise<void> {
    await this.fh.datasync();
    this.stats.syncs++;
    this.dirty = false;
  }

  private fail(e: unknown, batch: Pending[], at: number): void {
    const err = e instanceof Error ? e : new Error(String(e));
    const file = this.segments[this.segments.length - 1]!.path;
    this.failed = new RaftStorageError(
      `raft WAL ${file}: write at offset ${at} failed, the WAL is unusable: ${err.message}`,
    );
    for (const p of [...batch, ...this.queue.splice(0)]) p.reject(this.failed);
  }

  /** Closes the current segment and starts the next one, named after the log's last index + 1. */
  private async cut(): Promise<void> {
    // A segment followed by another must be whole on disk: an unsynced tail lost there would be a
    // hole in the middle of the log, which the open refuses as corruption (only the last segment's
    // tail may be torn).
    if (this.dirty) await this.datasync();
    const prev = this.segments[this.segments.length - 1]!;
    const seg = { seq: prev.seq + 1, firstIndex: this.lastIndex + 1, path: "" };
    seg.path = `${this.dir}/${walSegmentName(seg.seq, seg.firstIndex)}`;
    const preamble: RecordOut[] = [{ type: RecordType.metadata, payload: this.metadata }];
    if (this.lastState) preamble.push({ type: RecordType.state, payload: this.lastState });
    // The newest snapshot's marker travels too: the append that wrote it may be what filled the old
    // segment, and releasing up to that snapshot removes the old segment (a SIGKILL test caught it).
    if (this.lastSnapshot) preamble.push({ type: RecordType.snapshot, payload: this.lastSnapshot });
    const { fh, size } = await writeSegment(this.fs, this.dir, seg, this.opts.cipher, preamble);
    const old = this.fh;
    this.fh = fh;
    this.position = size;
    this.segments.push(seg);
    await old.close();
  }

  /**
   * Removes the segments whose every entry is at or before `index` (a snapshot
   * covers them): segment i goes when segment i+1 starts at or before index+1.
   * The current segment is never removed. Returns the removed files.
   */
  async releaseTo(index: number): Promise<string[]> {
    const removed: Segment[] = [];
    while (this.segments.length >= 2 && this.segments[1]!.firstIndex <= index + 1) removed.push(this.segments.shift()!);
    for (const s of removed) await this.fs.unlink(s.path);
    if (removed.length > 0) await fsyncDir(this.dir, this.fs);
    return removed.map((s) => s.path);
  }

  /** Waits for writes in flight, then closes the segment. Later appends are refused. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    while (this.flushing) await this.idle;
    try {
      // A clean stop keeps what was acknowledged unsynced (not after a failure: the WAL is unusable).
      if (this.dirty && !this.failed) await this.datasync();
    } finally {
      await this.fh.close();
    }
  }
}

/**
 * A new segment appears under its name only once its first records are on
 * disk: written to a temp file, fsync'd, renamed, directory fsync'd. The handle
 * stays open for appends.
 */
async function writeSegment(
  fs: StorageFs,
  dir: string,
  seg: Segment,
  cipher: RecordCipher | undefined,
  records: readonly RecordOut[],
): Promise<{ fh: StorageFile; size: number }> {
  const buf = frameWrite(cipher, encodeRecords(records), { seq: seg.seq, offset: 0 });
  const { path } = seg;
  const tmp = `${path}${TMP_SUFFIX}`;
  // etcd's wal: segments are PrivateFileMode (0600) in a PrivateDirMode (0700) directory.
  const fh = await fs.open(tmp, "w", 0o600);
  try {
    await writeFully(fh, buf, 0);
    await fh.sync();
    await fs.rename(tmp, path);
    await fsyncDir(dir, fs);
  } catch (e) {
    await fh.close();
    throw e;
  }
  return { fh, size: buf.length };
}

async function listSegments(fs: StorageFs, dir: string, log: WarnLog): Promise<Segment[]> {
  const segments: Segment[] = [];
  let removed = false;
  for (const name of await fs.readdir(dir)) {
    if (name.endsWith(TMP_SUFFIX)) {
      log.warn({ file: `${dir}/${name}` }, "raft WAL: removing an unfinished segment");
      await fs.unlink(`${dir}/${name}`);
      removed = true;
      continue;
    }
    const p = parseWalSegmentName(name);
    if (p) segments.push({ ...p, path: `${dir}/${name}` });
  }
  if (removed) await fsyncDir(dir, fs);
  segments.sort((a, b) => a.seq - b.seq);
  for (let i = 1; i < segments.length; i++) {
    if (segments[i]!.seq !== segments[i - 1]!.seq + 1)
      throw new RaftStorageError(
        `raft WAL ${dir}: segments out of sequence: ${segments[i - 1]!.path} is followed by ${segments[i]!.path}`,
      );
  }
  return segments;
}
