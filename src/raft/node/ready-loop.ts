import { failpointNumber } from "../../config/failpoints.ts";
import type { MemoryStorage, RaftCore } from "../core/index.ts";
import type { RaftStorage } from "../storage/index.ts";
import type { RaftTransport } from "../transport/index.ts";
import { isEmptySnapshot, type Ready } from "../types.ts";
import type { Applier } from "./applier.ts";
import type { CoreSync } from "./core-sync.ts";
import type { Membership } from "./membership.ts";
import type { ReadBarriers } from "./read-barriers.ts";
import { type SlowWarningContext, warnIfSlow } from "./slow-warning.ts";

/** What the Ready loop drives, and what it tells its node. */
export interface ReadyLoopDeps {
  readonly core: RaftCore;
  readonly mem: MemoryStorage;
  readonly storage: RaftStorage;
  readonly transport: RaftTransport;
  readonly membership: Membership;
  readonly applier: Applier;
  readonly reads: ReadBarriers;
  isStopped(): boolean;
  isRemovedSelf(): boolean;
  stop(): Promise<void>;
  /** Persisting or applying failed: the node stops. */
  fail(e: unknown): void;
  /** Mirrors the core into the rest of the member after each input and each Ready. */
  readonly coreSync: CoreSync;
  readonly slow: SlowWarningContext;
}

/**
 * Drains the core's Ready, one at a time: persist hard state, entries and
 * snapshot (fdatasync when Ready.mustSync) → send messages → apply committed entries → advance;
 * confirmed reads are handed out first (they wait for their index's apply).
 */
export class ReadyLoop {
  private draining: Promise<void> | undefined;

  constructor(private readonly d: ReadyLoopDeps) {}

  /** The core took an input: mirror it, then drain its Ready. */
  afterInput(): void {
    this.d.coreSync.afterInput();
    this.kick();
  }

  /** Starts draining unless a drain runs already or there is nothing ready. */
  kick(): void {
    const d = this.d;
    if (this.draining || d.isStopped() || !d.core.hasReady()) return;
    this.draining = this.drain()
      .catch((e: unknown) => d.fail(e))
      .finally(() => {
        this.draining = undefined;
        if (d.isRemovedSelf()) void d.stop();
        else if (!d.isStopped() && d.core.hasReady()) this.kick();
      });
  }

  /** The running drain, its failure swallowed (the node's stop waits on it); undefined when idle. */
  settled(): Promise<void> | undefined {
    return this.draining?.catch(() => {});
  }

  private async drain(): Promise<void> {
    const d = this.d;
    while (!d.isStopped() && d.core.hasReady()) {
      const rd = d.core.ready();
      const started = performance.now();
      await this.handleReady(rd);
      warnIfSlow(d.slow, "ready", performance.now() - started, {
        entries: rd.entries.length,
        committed: rd.committedEntries.length,
      });
      if (d.isStopped()) return;
      d.core.advance(rd);
      d.coreSync.advanced();
    }
  }

  private async handleReady(rd: Ready): Promise<void> {
    const { core, mem, storage, transport, membership } = this.d;
    const snap = rd.snapshot && !isEmptySnapshot(rd.snapshot) ? rd.snapshot : undefined;
    // A leader may send its appends while it writes them (Raft thesis §10.2.1, as etcd's server does).
    const leaderSendsFirst = core.status().role === "leader";
    const outgoing = rd.messages.filter((m) => !membership.isRemoved(m.to));
    if (leaderSendsFirst) transport.send(outgoing);
    // A confirmed read depends on nothing this Ready writes: its waiters need only the apply of its index.
    if (rd.readStates.length > 0) this.d.reads.released(rd.readStates);
    if (snap) await storage.saveSnapshot(snap);
    // A leader counts its own log toward commit before writing it (etcd's core does), so what it
    // commits is on a quorum's disks only once its write is done: the entries of this Ready are
    // applied after it. Those committed that an earlier Ready wrote are applied while this one's
    // fdatasync runs (etcd's server applies beside its Ready loop): a burst of commits is not paced by
    // one write per Ready. A follower applies after its write and its acknowledgement (not held
    // behind the apply); a membership change, after the write, on a member list the disk agrees with.
    const writtenBefore =
      leaderSendsFirst && snap === undefined ? (rd.entries[0]?.index ?? Number.POSITIVE_INFINITY) : 0;
    let saved: Promise<void> | undefined;
    if (rd.hardState || rd.entries.length > 0) {
      // etcd's MustSync: a hard state whose only change is the commit need not be on disk (a
      // restart relearns the commit from the leader); new entries, a term or a vote must. With a
      // snapshot, its commit too (the open copes without, but keeps the disk consistent).
      const sync = rd.mustSync || snap !== undefined;
      // Test-only (config/failpoints.ts): a slow disk, to make this member lag the others: a slow
      // fdatasync, so only on synced saves (an unsynced write goes to the page cache).
      const slowDiskMs = sync ? failpointNumber("slow-disk-ms") : 0;
      const save = async () => {
        if (slowDiskMs > 0) await new Promise((r) => setTimeout(r, slowDiskMs));
        await storage.save(rd.hardState, rd.entries, sync);
      };
      saved = save();
      // Awaited below; a failure meanwhile is not unhandled.
      saved.catch(() => {});
    }
    await this.applyCommitted(rd, { below: writtenBefore });
    if (saved) await saved;
    if (this.d.isStopped()) return;
    if (snap) mem.applySnapshot(snap);
    if (rd.hardState) mem.setHardState(rd.hardState);
    if (rd.entries.length > 0) mem.append(rd.entries);
    if (!leaderSendsFirst) transport.send(outgoing);
    if (snap) await this.d.applier.restoreSnapshot(snap);
    await this.applyCommitted(rd);
    await this.d.applier.maybeSnapshot();
  }

  /**
   * Applies the committed entries not applied yet, in order; with `early`, only while the write
   * runs: those below index `early.below`, and not past a membership change.
   */
  private async applyCommitted(rd: Ready, early?: { readonly below: number }): Promise<void> {
    const { applier } = this.d;
    for (const e of rd.committedEntries) {
      if (this.d.isStopped()) return;
      if (e.index <= applier.appliedIndex) continue;
      if (early && (e.index >= early.below || e.type === "confChange")) return;
      if (e.type === "confChange") applier.applyConfEntry(e);
      else await applier.applyNormal(e);
      applier.markApplied(e);
    }
  }
}
