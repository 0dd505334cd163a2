import { crc32 } from "node:zlib";
import { CodecError, decodeSnapshot, encodeSnapshot } from "../codec.ts";
import type { Snapshot } from "../types.ts";
import { RaftStorageError, type WarnLog } from "./errors.ts";
import { fsyncDir, mkdirDurable, writeFileAtomic } from "./fs-durable.ts";
import { parseSnapshotName, snapshotName, TMP_SUFFIX } from "./names.ts";
import type { RecordCipher } from "./record-cipher.ts";
import { nodeStorageFs, type StorageFs } from "./storage-fs.ts";

/**
 * Snapshot files `<term:016x>-<index:016x>.snap`:
 *   uint32 LE payload length | uint32 LE crc32(payload) | payload (encodeSnapshot)
 * where the payload is sealed with the DEK when there is one (record-cipher.ts).
 * written to a temp file, fsync'd, renamed into place, directory fsync'd.
 */
const HEADER_BYTES = 8;
/** What a sealed snapshot is bound to: no WAL record (types 0-3) can pass for one. */
const SNAPSHOT_AAD = Buffer.from("snapshot");

export interface SnapshotFile {
  readonly path: string;
  readonly term: number;
  readonly index: number;
}

export class Snapshotter {
  constructor(
    readonly dir: string,
    private readonly log: WarnLog,
    private readonly cipher?: RecordCipher,
    private readonly fs: StorageFs = nodeStorageFs,
  ) {}

  /** Creates the directory and removes files a crash left half written. */
  async init(): Promise<void> {
    await mkdirDurable(this.dir, 0o700, this.fs);
    let removed = false;
    for (const name of await this.fs.readdir(this.dir)) {
      if (!name.endsWith(TMP_SUFFIX)) continue;
      this.log.warn({ file: `${this.dir}/${name}` }, "raft snapshot: removing an unfinished snapshot file");
      await this.fs.unlink(`${this.dir}/${name}`);
      removed = true;
    }
    if (removed) await fsyncDir(this.dir, this.fs);
  }

  async save(s: Snapshot): Promise<string> {
    const plain = encodeSnapshot(s);
    const payload = this.cipher ? this.cipher.seal(plain, SNAPSHOT_AAD) : plain;
    const buf = Buffer.allocUnsafe(HEADER_BYTES + payload.length);
    buf.writeUInt32LE(payload.length, 0);
    buf.writeUInt32LE(crc32(payload), 4);
    buf.set(payload, HEADER_BYTES);
    const name = snapshotName(s.metadata.term, s.metadata.index);
    await writeFileAtomic(this.dir, name, `${name}${TMP_SUFFIX}`, buf, 0o600, this.fs);
    return `${this.dir}/${name}`;
  }

  /** Snapshot files, newest (highest index) first. */
  async list(): Promise<SnapshotFile[]> {
    const files: SnapshotFile[] = [];
    for (const name of await this.fs.readdir(this.dir)) {
      const p = parseSnapshotName(name);
      if (p) files.push({ ...p, path: `${this.dir}/${name}` });
    }
    return files.sort((a, b) => b.index - a.index || b.term - a.term);
  }

  /** Reads and checks one snapshot file; a damaged file throws a RaftStorageError saying why. */
  async read(f: SnapshotFile): Promise<Snapshot> {
    const bad = (why: string) => new RaftStorageError(`raft snapshot ${f.path}: ${why}`);
    const buf = await this.fs.readFile(f.path);
    if (buf.length < HEADER_BYTES) throw bad(`short header (${buf.length} of ${HEADER_BYTES} bytes)`);
    const length = buf.readUInt32LE(0);
    if (buf.length !== HEADER_BYTES + length)
      throw bad(`length mismatch (${length} payload bytes declared, ${buf.length - HEADER_BYTES} present)`);
    const sealed = buf.subarray(HEADER_BYTES);
    if (crc32(sealed) !== buf.readUInt32LE(4)) throw bad("checksum mismatch");
    const payload = this.cipher ? this.cipher.open(sealed, SNAPSHOT_AAD, bad) : sealed;
    let s: Snapshot;
    try {
      s = decodeSnapshot(payload);
    } catch (e) {
      if (e instanceof CodecError) throw bad(e.message);
      throw e;
    }
    if (s.metadata.index !== f.index || s.metadata.term !== f.term)
      throw bad(`holds index ${s.metadata.index} term ${s.metadata.term}, not what its name says`);
    return s;
  }

  /** Keeps the newest `keep` snapshot files (at least one) and removes the rest. */
  async purge(keep: number): Promise<string[]> {
    const old = (await this.list()).slice(Math.max(1, keep));
    for (const f of old) await this.fs.unlink(f.path);
    if (old.length > 0) await fsyncDir(this.dir, this.fs);
    return old.map((f) => f.path);
  }
}
