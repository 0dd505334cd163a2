import type { PersistedState } from "../../../../src/raft/storage/index.ts";
import { RaftStorage } from "../../../../src/raft/storage/index.ts";
import type { Entry } from "../../../../src/raft/types.ts";
import { Rng } from "../../sim/support/prng.ts";
import { CrashDisk } from "./crash-fs.ts";
import { META } from "./raft-data.ts";

/**
 * Crash runs on a disk that keeps only what was fsync'd (support/crash-fs.ts): a
 * workload of saves (group-committed, some overwriting an uncommitted suffix
 * under a new term, as a new leader does), hard states (some commit-only,
 * written without fdatasync as Raft's MustSync allows) and snapshots on a
 * real RaftStorage with small segments (cut and released), crashed at a
 * seeded random file operation (or once the writes are done: idle, or after a
 * clean close), recovered, reopened — round after round.
 * After every reopen: the open succeeds (a torn tail is repaired, never taken
 * for corruption); every acknowledged entry is there as written, unless a
 * later write (issued, maybe not acknowledged) overwrote it with a later term;
 * the snapshot is at least the acknowledged one; the hard state's commit is at
 * least the last acknowledged synced one (an unsynced commit may go back to
 * it, never below) and at most the highest one written.
 */
export interface CrashRunResult {
  rounds: number;
  /** Crashes in the middle of the workload (the others strike once a round's writes are done). */
  midWrite: number;
  /** Saves acknowledged, over all rounds. */
  acknowledged: number;
  /** Torn tails repaired at open. */
  tornTails: number;
  /** Entries the last open read back. */
  entries: number;
  /** Commit-only hard states acknowledged (written without fdatasync). */
  unsyncedCommits: number;
  /** Reopens whose commit was below the highest acknowledged one (an unsynced one lost). */
  commitWentBack: number;
}

const MOUNT = "/crash";
const DIR = `${MOUNT}/swarm/raft`;
const SEGMENT_BYTES = 2048;

const enc = new TextEncoder();
const dataOf = (index: number, term: number, pad: number) => enc.encode(`${index}:${term}:${"x".repeat(pad)}`);

interface Acked {
  entry: Entry;
  /** The write that put it there (its issue number). */
  by: number;
}

export async function crashRun(seed: number, rounds: number): Promise<CrashRunResult> {
  const rng = new Rng(seed);
  // Odd seeds seal the WAL with a DEK (a manager's always is: one sealed frame per write), even ones keep it in clear.
  const dek = seed % 2 === 1 ? new Uint8Array(32).fill(seed & 0xff) : undefined;
  const disk = new CrashDisk(MOUNT, () => rng.next());
  const fail = (round: number, why: string) => new Error(`crash run seed ${seed}, round ${round}: ${why}`);
  const acked = new Map<number, Acked>();
  /** Writes issued, by issue number: where each started (an overwrite may start below the end). */
  const issuedFrom: number[] = [];
  /** The highest commit an acknowledged synced save carried: a reopen finds at least this one. */
  let ackedCommit = 0;
  /** The highest commit an acknowledged save carried, synced or not. */
  let ackedAnyCommit = 0;
  /** The highest commit any hard state written carries: no overwrite starts at or below it. */
  let issuedCommit = 0;
  /** The highest commit ever written: no reopen finds more. */
  let maxIssuedCommit = 0;
  let ackedSnapshot = 0;
  let term = 1;
  const result: CrashRunResult = {
    rounds,
    midWrite: 0,
    acknowledged: 0,
    tornTails: 0,
    entries: 0,
    unsyncedCommits: 0,
    commitWentBack: 0,
  };

  const open = async (round: number, crashAt: number) => {
    const warnings: string[] = [];
    const log = { warn: (_o: object, msg: string) => warnings.push(msg) };
    try {
      const opened = await RaftStorage.open(DIR, {
        fs: disk.view(crashAt),
        segmentBytes: SEGMENT_BYTES,
        log,
        ...(dek ? { dek } : {}),
      });
      result.tornTails += warnings.filter((w) => w === "raft WAL: torn tail truncated").length;
      check(opened.state, round);
      return opened;
    } catch (e) {
      if (disk.crashed) return undefined;
      throw fail(round, `reopen: ${(e as Error).message}`);
    }
  };

  for (let round = 0; round < rounds; round++) {
    const opened = await open(round, rng.between(1, 160));
    if (!opened) {
      disk.recover();
      continue;
    }
    const { storage, state } = opened;
    // What made it beyond the acknowledged log is the log now (Raft keeps it too).
    const restart = issuedFrom.push(Number.POSITIVE_INFINITY) - 1;
    for (const e of state.entries) {
      const a = acked.get(e.index);
      if (!a || a.entry.term !== e.term) acked.set(e.index, { entry: e, by: restart });
    }
    for (const k of [...acked.keys()])
      if (k > lastOf(state) && k > (state.snapshot?.metadata.index ?? 0)) acked.delete(k);
    if (state.hardState.commit < ackedAnyCommit) result.commitWentBack++;
    ackedCommit = Math.max(ackedCommit, state.hardState.commit);
    ackedAnyCommit = state.hardState.commit;
    // Hard states that did not make it are gone with the crash: the commit on disk is the one now.
    issuedCommit = state.hardState.commit;

    const writes: Promise<unknown>[] = [];
    const errors: Error[] = [];
    const settle = async () => {
      await Promise.allSettled(writes.splice(0));
    };
    try {
      if (!state.metadata) await storage.create(META);
      term++;
      let last = Math.max(state.snapshot?.metadata.index ?? 0, lastOf(state));
      for (let batch = 0; batch < 12 && !disk.crashed; batch++) {
        let from = last + 1;
        if (rng.chance(0.2) && last > issuedCommit + 1) {
          from = rng.between(issuedCommit + 1, last);
          term++; // only a new leader (a later term) overwrites
        }
        const n = rng.between(1, 6);
        const es: Entry[] = [];
        for (let i = from; i < from + n; i++)
          es.push({ index: i, term, type: "normal", data: dataOf(i, term, rng.int(300)) });
        const commit = Math.max(issuedCommit, Math.min(from - 1, rng.between(issuedCommit, last)));
        issuedCommit = commit;
        maxIssuedCommit = Math.max(maxIssuedCommit, commit);
        last = from + n - 1;
        const by = issuedFrom.push(from) - 1;
        writes.push(
          storage.save({ term, vote: "0", commit }, es).then(
            () => {
              for (const k of [...acked.keys()]) if (k >= from) acked.delete(k);
              for (const entry of es) acked.set(entry.index, { entry, by });
              ackedCommit = Math.max(ackedCommit, commit);
              ackedAnyCommit = Math.max(ackedAnyCommit, commit);
              result.acknowledged++;
            },
            (e: Error) => {
              if (!disk.crashed) errors.push(e);
            },
          ),
        );
        // A follower hearing of a higher commit (a heartbeat), or a leader committing: only the
        // commit changes, so the save is not fdatasync'd. Up to the last entry written (issued).
        if (rng.chance(0.4) && last > issuedCommit) {
          // On its own (a write of its own, not synced) or joining the entries' write (synced with it).
          if (rng.chance(0.6)) await settle();
          if (disk.crashed) continue;
          const c = rng.between(issuedCommit + 1, last);
          issuedCommit = c;
          maxIssuedCommit = Math.max(maxIssuedCommit, c);
          writes.push(
            storage.save({ term, vote: "0", commit: c }, [], false).then(
              () => {
                ackedAnyCommit = Math.max(ackedAnyCommit, c);
                result.unsyncedCommits++;
              },
              (e: Error) => {
                if (!disk.crashed) errors.push(e);
              },
            ),
          );
        }
        if (rng.chance(0.5)) await settle();
        if (rng.chance(0.15) && ackedCommit > ackedSnapshot) {
          await settle();
          const at = ackedCommit;
          const t = acked.get(at)?.entry.term;
          if (t === undefined || disk.crashed) continue;
          const snap = {
            metadata: { index: at, term: t, confState: { voters: ["1"] } },
            data: enc.encode(`snap@${at}`),
          };
          writes.push(
            storage.saveSnapshot(snap).then(
              () => {
                ackedSnapshot = Math.max(ackedSnapshot, at);
              },
              (e: Error) => {
                if (!disk.crashed) errors.push(e);
              },
            ),
          );
        }
      }
      await settle();
    } catch (e) {
      if (!disk.crashed) throw e;
    }
    await settle();
    if (errors.length > 0) throw fail(round, `a write failed with no crash: ${errors[0]!.message}`);
    if (disk.crashed) result.midWrite++;
    else if (rng.chance(0.5)) {
      // The power goes while the member idles: what was written unsynced may go with it.
      disk.crashNow();
    } else {
      // A clean stop (its fdatasync of an unsynced tail may be where the crash strikes).
      try {
        await storage.close();
      } catch (e) {
        if (!disk.crashed) throw fail(round, `close: ${(e as Error).message}`);
      }
      if (disk.crashed) result.midWrite++;
      disk.crashNow();
    }
    disk.recover();
  }
  const last = await open(rounds, Number.POSITIVE_INFINITY);
  if (!last) throw fail(rounds, "the last open crashed");
  result.entries = last.state.entries.length;
  await last.storage.close();
  return result;

  function check(state: PersistedState, round: number): void {
    const snapIndex = state.snapshot?.metadata.index ?? 0;
    if (snapIndex < ackedSnapshot)
      throw fail(round, `snapshot at ${snapIndex}, one at ${ackedSnapshot} was acknowledged`);
    if (state.hardState.commit < ackedCommit)
      throw fail(round, `commit ${state.hardState.commit} after reopen, ${ackedCommit} was acknowledged synced`);
    if (state.hardState.commit > maxIssuedCommit)
      throw fail(round, `commit ${state.hardState.commit} after reopen, none above ${maxIssuedCommit} was written`);
    const onDisk = new Map(state.entries.map((e) => [e.index, e]));
    for (const [i, { entry: want, by }] of acked) {
      if (i <= snapIndex) continue;
      const got = onDisk.get(i);
      if (got && got.term === want.term && Buffer.from(got.data).equals(Buffer.from(want.data))) continue;
      // A write issued after the acknowledging one, starting at or below i, may have replaced it.
      const replaced = i > ackedCommit && issuedFrom.slice(by + 1).some((from) => from <= i);
      if (replaced && (!got || got.term > want.term)) continue;
      throw fail(
        round,
        got
          ? `entry ${i}: term ${got.term} on disk, term ${want.term} acknowledged`
          : `acknowledged entry ${i} (term ${want.term}) lost; the log ends at ${lastOf(state)}`,
      );
    }
  }
}

const lastOf = (s: PersistedState) => (s.entries.length > 0 ? s.entries[s.entries.length - 1]!.index : 0);
