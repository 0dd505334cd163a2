import { test } from "uvu";
import * as assert from "uvu/assert";
import { MemoryStorage, RaftCore } from "../../../src/raft/core/index.ts";
import { RaftStorage } from "../../../src/raft/storage/index.ts";
import { memoryLog } from "../../support/memory-log.ts";
import { CrashDisk } from "./support/crash-fs.ts";
import { entries, META, plain, snapshot, tempRaftDir } from "./support/raft-data.ts";

// Raft's MustSync (etcd's rule): a hard state whose only change is the commit need not be
// fdatasync'd; entries, a term or a vote must be.

test("a commit-only hard state is written without an fdatasync, an entry save with one; the close syncs it", async () => {
  const { dir, cleanup } = tempRaftDir();
  try {
    const { storage } = await RaftStorage.open(dir);
    await storage.create(META);
    await storage.save({ term: 1, vote: "1", commit: 0 }, entries(1, 3));
    const s0 = storage.stats();
    await storage.save({ term: 1, vote: "1", commit: 3 }, [], false);
    const s1 = storage.stats();
    assert.is(s1.writes, s0.writes + 1, "the commit is written");
    assert.is(s1.syncs, s0.syncs, "and not fdatasync'd");
    await storage.save({ term: 1, vote: "1", commit: 3 }, entries(4, 4));
    assert.is(storage.stats().syncs, s1.syncs + 1, "an entry save is");
    await storage.save({ term: 1, vote: "1", commit: 4 }, [], false);
    const s2 = storage.stats();
    await storage.close();
    assert.is(storage.stats().syncs, s2.syncs + 1, "the close syncs what was written unsynced");
    const again = await RaftStorage.open(dir);
    assert.is(again.state.hardState.commit, 4);
    assert.equal(plain(again.state.entries), plain(entries(1, 4)));
    await again.storage.close();
  } finally {
    cleanup();
  }
});

test("a group-commit write holding a commit-only save and an entry save is fdatasync'd once", async () => {
  const { dir, cleanup } = tempRaftDir();
  try {
    const { storage } = await RaftStorage.open(dir);
    await storage.create(META);
    await storage.save({ term: 1, vote: "1", commit: 0 }, entries(1, 2));
    const s0 = storage.stats();
    // Same tick: one write. The first asks for no sync, the second does.
    await Promise.all([
      storage.save({ term: 1, vote: "1", commit: 2 }, [], false),
      storage.save(undefined, entries(3, 5)),
    ]);
    const s1 = storage.stats();
    assert.is(s1.writes, s0.writes + 1, "one write");
    assert.is(s1.syncs, s0.syncs + 1, "one fdatasync for both");
    // And the other way round, two commit-only saves in one write: none.
    await Promise.all([
      storage.save({ term: 1, vote: "1", commit: 3 }, [], false),
      storage.save({ term: 1, vote: "1", commit: 4 }, [], false),
    ]);
    assert.is(storage.stats().writes, s1.writes + 1);
    assert.is(storage.stats().syncs, s1.syncs, "no fdatasync");
    await storage.close();
  } finally {
    cleanup();
  }
});

test("a segment cut after an unsynced commit syncs the old segment first: a crash then keeps it whole, and the open succeeds", async () => {
  // 0.5: a crash keeps half of each file's unsynced tail (a write cut short in the middle).
  const disk = new CrashDisk("/crash", () => 0.5);
  const dir = "/crash/raft";
  const segmentBytes = 1024;
  const { storage } = await RaftStorage.open(dir, { fs: disk.view(), segmentBytes, log: memoryLog() });
  await storage.create(META);
  const last = 8;
  await storage.save({ term: 1, vote: "1", commit: 0 }, entries(1, last));
  const hs = { term: 1, vote: "1", commit: last };
  const sizeOf = async () => (await disk.view().readFile(storage.walFiles()[0]!)).length;
  let size = await sizeOf();
  await storage.save(hs, []);
  const d = (await sizeOf()) - size;
  // Synced commit saves fill the segment to where one more crosses the cut threshold.
  for (size += d; size + d < segmentBytes; size += d) await storage.save(hs, []);
  assert.is(storage.walFiles().length, 1, "no cut yet");
  const oldSegment = storage.walFiles()[0]!;
  // This commit-only write, unsynced, fills the segment: the cut follows it.
  await storage.save(hs, [], false);
  // Queued behind the cut, in the new segment, unsynced too.
  await storage.save(hs, [], false);
  assert.is(storage.walFiles().length, 2, "the segment was cut");
  const written = Buffer.from((await disk.view().readFile(oldSegment)) as Uint8Array);
  disk.crashNow();
  disk.recover();
  const log = memoryLog();
  const { storage: again, state } = await RaftStorage.open(dir, { fs: disk.view(), segmentBytes, log });
  assert.ok(
    written.equals(await disk.view().readFile(oldSegment)),
    "the old segment is on disk as written, its last (commit-only) record included",
  );
  assert.is(state.hardState.commit, last, "the commit it carried is there");
  assert.equal(plain(state.entries), plain(entries(1, last)));
  await again.close();
});

test("a snapshot whose hard state was lost (unsynced, or a crash between the two): the open reports the snapshot's index as the commit, and a core starts on it", async () => {
  const { dir, cleanup } = tempRaftDir();
  try {
    const { storage } = await RaftStorage.open(dir);
    await storage.create(META);
    await storage.save({ term: 2, vote: "1", commit: 0 }, entries(1, 5, 2));
    // As a follower receiving one: snapshot (file + WAL marker) first; its hard state never came.
    await storage.saveSnapshot(snapshot(5, 2));
    await storage.close();
    const { storage: again, state } = await RaftStorage.open(dir);
    await again.close();
    assert.is(state.hardState.commit, 5, "a snapshot holds only committed state");
    assert.is(state.hardState.term, 2);
    // What open-member.ts does with it: the core refuses a commit below its snapshot's index.
    const mem = new MemoryStorage();
    mem.applySnapshot(state.snapshot!);
    mem.setHardState(state.hardState);
    mem.append(state.entries);
    const core = new RaftCore({
      id: "1",
      electionTick: 10,
      heartbeatTick: 1,
      preVote: true,
      checkQuorum: true,
      maxSizePerMsg: 1 << 16,
      maxInflightMsgs: 256,
      storage: mem,
      random: () => 0.5,
      applied: 5,
    });
    assert.is(core.status().commit, 5);
  } finally {
    cleanup();
  }
});

test.run();
