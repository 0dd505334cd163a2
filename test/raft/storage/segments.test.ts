import { basename } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { RaftStorage } from "../../../src/raft/storage/index.ts";
import { memoryLog } from "../../support/memory-log.ts";
import { entries, META, plain, snapshot, tempRaftDir } from "./support/raft-data.ts";

test("the WAL is cut into segments named <seq>-<firstIndex>, and a snapshot releases the ones it covers", async () => {
  const { dir, cleanup } = tempRaftDir();
  try {
    const log = memoryLog();
    const a = await RaftStorage.open(dir, { segmentBytes: 1024, log });
    await a.storage.create(META);
    for (let i = 1; i <= 200; i++) await a.storage.save({ term: 1, vote: "0", commit: i }, entries(i, i));
    const names = a.storage.walFiles().map((f) => basename(f));
    assert.ok(names.length >= 4, `several segments (${names.length})`);
    assert.is(names[0], "0000000000000000-0000000000000000.wal");
    names.forEach((n, seq) => {
      assert.match(n, new RegExp(`^${seq.toString(16).padStart(16, "0")}-[0-9a-f]{16}\\.wal$`));
    });
    await a.storage.close();

    // every segment is read back
    const b = await RaftStorage.open(dir, { segmentBytes: 1024, log });
    assert.equal(plain(b.state.entries), plain(entries(1, 200)));
    assert.is(b.state.hardState.commit, 200);

    const firstIndexes = () => b.storage.walFiles().map((f) => Number.parseInt(basename(f).slice(17, 33), 16));
    const before = firstIndexes();
    await b.storage.saveSnapshot(snapshot(150, 1));
    const after = firstIndexes();
    assert.ok(after.length < before.length, "segments were released");
    // what remains: the segment holding 151 onward, and everything after it
    assert.ok(after[0]! <= 151 && (after[1] ?? Number.POSITIVE_INFINITY) > 151, `kept from ${after[0]}`);
    await b.storage.save({ term: 1, vote: "0", commit: 201 }, entries(201, 201));
    await b.storage.close();

    const c = await RaftStorage.open(dir, { segmentBytes: 1024, log });
    assert.is(c.state.snapshot?.metadata.index, 150);
    assert.equal(plain(c.state.entries), plain(entries(151, 201)));
    assert.equal(c.state.hardState, { term: 1, vote: "0", commit: 201 });
    assert.equal(log.lines, []);
    await c.storage.close();
  } finally {
    cleanup();
  }
});

test("after all older segments are released, the remaining ones still know the state and the snapshot", async () => {
  const { dir, cleanup } = tempRaftDir();
  try {
    const a = await RaftStorage.open(dir, { segmentBytes: 512 });
    await a.storage.create(META);
    await a.storage.save({ term: 3, vote: "5", commit: 0 }, []);
    for (let i = 1; i <= 60; i++) await a.storage.save(undefined, entries(i, i, 3));
    await a.storage.save({ term: 3, vote: "5", commit: 60 }, []);
    await a.storage.saveSnapshot(snapshot(60, 3));
    // one more cut so that the segment with the marker goes too
    for (let i = 61; i <= 120; i++) await a.storage.save(undefined, entries(i, i, 3));
    await a.storage.saveSnapshot(snapshot(120, 3, "at 120"));
    assert.is(a.storage.walFiles().length, 1, "only the current segment is left");
    await a.storage.close();
    const b = await RaftStorage.open(dir);
    // The last hard state written says commit 60; the snapshot at 120 holds only committed state
    // (and the core refuses a commit below its snapshot's index).
    assert.equal(b.state.hardState, { term: 3, vote: "5", commit: 120 });
    assert.is(b.state.snapshot?.metadata.index, 120);
    assert.equal(b.state.entries, []);
    await b.storage.close();
  } finally {
    cleanup();
  }
});

test("a snapshot marker whose append fills the segment survives the release it triggers", async () => {
  // Whatever the segment size, one of these makes the marker's own append the one that cuts the
  // segment; releasing up to that snapshot then removes the segment the marker was written in.
  for (let segmentBytes = 300; segmentBytes < 420; segmentBytes += 3) {
    const { dir, cleanup } = tempRaftDir();
    try {
      const a = await RaftStorage.open(dir, { segmentBytes, log: memoryLog() });
      await a.storage.create(META);
      for (let i = 1; i <= 12; i++) await a.storage.save({ term: 1, vote: "0", commit: i }, entries(i, i));
      await a.storage.saveSnapshot(snapshot(12, 1));
      await a.storage.save({ term: 1, vote: "0", commit: 13 }, entries(13, 13));
      await a.storage.close();
      const b = await RaftStorage.open(dir, { segmentBytes, log: memoryLog() });
      assert.is(b.state.snapshot?.metadata.index, 12, `segmentBytes ${segmentBytes}`);
      assert.equal(plain(b.state.entries), plain(entries(13, 13)), `segmentBytes ${segmentBytes}`);
      await b.storage.close();
    } finally {
      cleanup();
    }
  }
});

test.run();
