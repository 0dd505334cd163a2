import { existsSync, readdirSync } from "node:fs";
import { encodeEntry, encodeHardState, encodeWalMetadata, encodeWalSnapshot, type WalMetadata } from "../codec.ts";
import { type Entry, type HardState, isEmptySnapshot, type Snapshot } from "../types.ts";
import { RaftStorageError, stderrWarnLog, type WarnLog } from "./errors.ts";
import { mkdirDurable, removeDurable } from "./fs-durable.ts";
import { parseWalSegmentName, SNAP_DIR, WAL_DIR } from "./names.ts";
import { type RecordOut, RecordType } from "./record.ts";
import { RecordCipher } from "./record-cipher.ts";
import { lastIndexOf, replayWal, type WalReplay } from "./replay.ts";
import { Snapshotter } from "./snapshotter.ts";
import { nodeStorageFs, type StorageFs } from "./storage-fs.ts";
import { DEFAULT_SEGMENT_BYTES, Wal, type WalStats } from "./wal.ts";

/**
 * A manager's Raft data on disk, under `<state-dir>/swarm/raft/`: the WAL in
 * `wal/`, snapshots in `snap/` (SwarmKit's wal-v3-encrypted/ and
 * snap-v3-encrypted/), sealed with the DEK when one is given (record-cipher.ts). What the node shell persists
 * from each Ready goes through here, and comes back on restart.
 */
export interface PersistedState {
  metadata: WalMetadata | null;
  hardState: HardState;
  snapshot: Snapshot | null;
  /** The log after the snapshot, contiguous from snapshot index + 1 (or from the WAL's first entry). */
  entries: Entry[];
}

export interface RaftStorageOptions {
  log?: WarnLog;
  /** WAL segment size before a cut; 64 MiB by default. */
  segmentBytes?: number;
  /** SwarmKit's KeepOldSnapshots: snapshots kept besides the newest; 0 by default. */
  keepOldSnapshots?: number;
  /** The data encryption key (32 bytes): WAL records and snapshots are sealed with it. In clear without. */
  dek?: Uint8Array;
  /** The file operations (a faulty or crashable disk in tests); node:fs by default. */
  fs?: StorageFs;
}

const raftIdPattern = /^[1-9][0-9]*$/;

export class RaftStorage {
  private readonly snapshotsInFlight = new Set<Promise<void>>();

  private constructor(
    readonly dir: string,
    private readonly log: WarnLog,
    private readonly segmentBytes: number,
    private readonly keepOldSnapshots: number,
    private readonly snapshotter: Snapshotter,
    private wal: Wal | null,
    /** The log's last index as saved so far (entries or snapshot). */
    private lastIndex: number,
    private readonly cipher: RecordCipher | undefined,
    private readonly fs: StorageFs,
  ) {}

  /** A manager restarting (true) vs a new one: is there a WAL under `dir`? */
  static exists(dir: string): boolean {
    const walDir = `${dir}/${WAL_DIR}`;
    return existsSync(walDir) && readdirSync(walDir).some((n) => parseWalSegmentName(n) !== null);
  }

  /**
   * Opens (creating the directories if needed) and reads back everything saved:
   * a torn WAL tail (record.ts ScanStop: only the writes since the last fdatasync can be) is truncated
   * with a warning; corruption elsewhere throws a RaftStorageError naming the file
   * and offset, and leaves the file as it is. `state.metadata` is null when
   * there is no WAL yet: call `create`.
   */
  static async open(
    dir: string,
    opts: RaftStorageOptions = {},
  ): Promise<{ storage: RaftStorage; state: PersistedState }> {
    const log = opts.log ?? stderrWarnLog;
    const segmentBytes = opts.segmentBytes ?? DEFAULT_SEGMENT_BYTES;
    // SK manager.go MkdirAll(raft, 0700): the Raft data is the manager's alone.
    const fs = opts.fs ?? nodeStorageFs;
    await mkdirDurable(dir, 0o700, fs);
    const cipher = opts.dek ? new RecordCipher(opts.dek) : undefined;
    const snapshotter = new Snapshotter(`${dir}/${SNAP_DIR}`, log, cipher, fs);
    await snapshotter.init();
    const { wal, records } = await Wal.open(`${dir}/${WAL_DIR}`, {
      segmentBytes,
      log,
      fs,
      ...(cipher ? { cipher } : {}),
    });
    try {
      const replay = replayWal(records);
      const snapshot = wal ? await pickSnapshot(dir, snapshotter, replay, log) : null;
      if (!wal && (await snapshotter.list()).length > 0)
        log.warn({ dir: snapshotter.dir }, "raft snapshot: snapshot files without a WAL are ignored");
      const snapIndex = snapshot?.metadata.index ?? 0;
      const entries = replay.base === null ? [] : replay.entries.slice(Math.max(0, snapIndex + 1 - replay.base));
      const lastIndex = Math.max(snapIndex, lastIndexOf(replay));
      if (replay.hardState.commit > lastIndex)
        throw new RaftStorageError(
          `raft WAL ${replay.hardStateAt?.file}: hard state commit ${replay.hardState.commit} is beyond the last index ${lastIndex}`,
        );
      wal?.noteLastIndex(lastIndexOf(replay));
      // A snapshot holds only committed state, so the commit is at least its index; the hard state
      // saved after it (a follower's, on receiving it) may be lost with a crash: unsynced (a
      // commit-only change), or in the window between the two writes. The core refuses a commit
      // below its snapshot's index.
      const hardState =
        replay.hardState.commit < snapIndex ? { ...replay.hardState, commit: snapIndex } : replay.hardState;
      const keep = opts.keepOldSnapshots ?? 0;
      const storage = new RaftStorage(dir, log, segmentBytes, keep, snapshotter, wal, lastIndex, cipher, fs);
      return { storage, state: { metadata: replay.metadata, hardState, snapshot, entries } };
    } catch (e) {
      await wal?.close();
      throw e;
    }
  }

  /** First start of a member: writes the WAL's first segment with who this member is. */
  async create(meta: WalMetadata): Promise<void> {
    if (this.wal) throw new RaftStorageError(`raft storage ${this.dir}: the WAL already exists`);
    if (!raftIdPattern.test(meta.raftId))
      throw new RaftStorageError(`raft storage: invalid raft ID ${JSON.stringify(meta.raftId)}`);
    this.wal = await Wal.create(`${this.dir}/${WAL_DIR}`, encodeWalMetadata(meta), {
      segmentBytes: this.segmentBytes,
      log: this.log,
      fs: this.fs,
      ...(this.cipher ? { cipher: this.cipher } : {}),
    });
  }

  /**
   * Persists entries, then the hard state; resolves once they are written, and
   * fdatasync'd unless `sync` is false (Raft's MustSync: false when the only
   * change is the hard state's commit, which a restart may find older — never
   * older than the last synced one). Entries must be contiguous and may start
   * at or before the last index + 1 (a new leader overwriting a suffix).
   * Concurrent calls share one write.
   */
  save(hardState: HardState | undefined, entries: readonly Entry[], sync = true): Promise<void> {
    const wal = this.wal;
    if (!wal) return Promise.reject(new RaftStorageError(`raft storage ${this.dir}: no WAL yet (create it first)`));
    let last = this.lastIndex;
    const records: RecordOut[] = [];
    for (let i = 0; i < entries.length; i++) {
      const e = entries[i]!;
      const prev = entries[i - 1];
      const ok = prev ? e.index === prev.index + 1 && e.term >= prev.term : e.index >= 1 && e.index <= last + 1;
      if (!ok)
        return Promise.reject(
          new RaftStorageError(
            i === 0
              ? `raft storage: entry index ${e.index} does not follow the last index ${last}`
              : `raft storage: entries out of order (index ${prev!.index} term ${prev!.term}, then index ${e.index} term ${e.term})`,
          ),
        );
      records.push({ type: RecordType.entry, payload: encodeEntry(e) });
    }
    if (entries.length > 0) last = entries[entries.length - 1]!.index;
    if (hardState) {
      if (hardState.commit > last)
        return Promise.reject(
          new RaftStorageError(`raft storage: hard state commit ${hardState.commit} is beyond the last index ${last}`),
        );
      records.push({ type: RecordType.state, payload: encodeHardState(hardState) });
    }
    if (records.length === 0) return Promise.resolve();
    this.lastIndex = last;
    return wal.append(records, last, sync);
  }

  /**
   * Persists a snapshot: the file first (fsync'd, renamed into place), then a
   * WAL marker; then removes older snapshot files beyond KeepOldSnapshots (the
   * cluster spec's at the time of this snapshot, when given) and the WAL
   * segments wholly before the snapshot.
   */
  saveSnapshot(s: Snapshot, keepOldSnapshots = this.keepOldSnapshots): Promise<void> {
    const p = this.persistSnapshot(s, keepOldSnapshots);
    this.snapshotsInFlight.add(p);
    const done = () => this.snapshotsInFlight.delete(p);
    p.then(done, done);
    return p;
  }

  private async persistSnapshot(s: Snapshot, keepOldSnapshots: number): Promise<void> {
    const wal = this.wal;
    if (!wal) throw new RaftStorageError(`raft storage ${this.dir}: no WAL yet (create it first)`);
    if (isEmptySnapshot(s)) return;
    await this.snapshotter.save(s);
    if (s.metadata.index > this.lastIndex) this.lastIndex = s.metadata.index;
    await wal.append(
      [{ type: RecordType.snapshot, payload: encodeWalSnapshot(s.metadata) }],
      Math.max(this.lastIndex, s.metadata.index),
    );
    await this.snapshotter.purge(keepOldSnapshots + 1);
    await wal.releaseTo(s.metadata.index);
  }

  /** WAL segment files, oldest first (for inspection and tests). */
  walFiles(): string[] {
    return this.wal?.files ?? [];
  }

  /** Write counters: acknowledged appends, group-commit writes, fdatasyncs. */
  stats(): WalStats {
    return this.wal ? { ...this.wal.stats } : { appends: 0, writes: 0, syncs: 0 };
  }

  /** Waits for saves and snapshots in flight, then closes. */
  async close(): Promise<void> {
    await Promise.allSettled([...this.snapshotsInFlight]);
    await this.wal?.close();
  }

  /** A demoted or removed manager drops its Raft data (SwarmKit's clearData). Close first. */
  static async wipe(dir: string, fs: StorageFs = nodeStorageFs): Promise<void> {
    await removeDurable(dir, fs);
  }
}

async function pickSnapshot(
  dir: string,
  snapshotter: Snapshotter,
  replay: WalReplay,
  log: WarnLog,
): Promise<Snapshot | null> {
  const marked = new Set(replay.markers.map((m) => `${m.index}/${m.term}`));
  const covered = (index: number) => replay.base === null || replay.base <= index + 1;
  const skipped: string[] = [];
  for (const f of await snapshotter.list()) {
    if (!marked.has(`${f.index}/${f.term}`)) {
      log.warn(
        { file: f.path },
        "raft snapshot: no WAL record of this snapshot (a crash before it was logged?), skipped",
      );
      skipped.push(`${f.path}: not in the WAL`);
      continue;
    }
    let s: Snapshot;
    try {
      s = await snapshotter.read(f);
    } catch (e) {
      if (!(e instanceof RaftStorageError)) throw e;
      log.warn({ file: f.path, err: e.message }, "raft snapshot: unreadable snapshot skipped");
      skipped.push(e.message);
      continue;
    }
    if (!covered(f.index)) {
      skipped.push(`${f.path}: the WAL no longer holds the entries after index ${f.index}`);
      continue;
    }
    if (skipped.length > 0) log.warn({ file: f.path }, "raft snapshot: fell back to an older snapshot");
    return s;
  }
  if (covered(0)) return null;
  const why = skipped.length > 0 ? skipped.join("; ") : "no snapshot file";
  throw new RaftStorageError(
    `raft storage ${dir}: no usable snapshot, and the WAL starts after index ${(replay.base ?? 1) - 1} (${why})`,
  );
}
