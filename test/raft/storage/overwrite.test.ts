import { test } from "uvu";
import * as assert from "uvu/assert";
import { RaftStorage } from "../../../src/raft/storage/index.ts";
import { entries, META, plain, snapshot, tempRaftDir } from "./support/raft-data.ts";

test("a new leader's entries overwrite the suffix from their first index on", async () => {
  const { dir, cleanup } = tempRaftDir();
  try {
    const a = await RaftStorage.open(dir);
    await a.storage.create(META);
    await a.storage.save({ term: 1, vote: "0", commit: 2 }, entries(1, 6, 1));
    // Term 2's leader never had 4..6: it sends 4..5 of its own.
    await a.storage.save({ term: 2, vote: "0", commit: 2 }, entries(4, 5, 2));
    await a.storage.close();
    const b = await RaftStorage.open(dir);
    assert.equal(plain(b.state.entries), plain([...entries(1, 3, 1), ...entries(4, 5, 2)]));
    assert.equal(b.state.hardState, { term: 2, vote: "0", commit: 2 });
    // and the next append continues after 5, not after the old 6
    await b.storage.save(undefined, entries(6, 6, 2));
    await b.storage.close();
    const c = await RaftStorage.open(dir);
    assert.equal(plain(c.state.entries), plain([...entries(1, 3, 1), ...entries(4, 6, 2)]));
    await c.storage.close();
  } finally {
    cleanup();
  }
});

test("a snapshot from the leader that disagrees with the log replaces it", async () => {
  const { dir, cleanup } = tempRaftDir();
  try {
    const a = await RaftStorage.open(dir);
    await a.storage.create(META);
    await a.storage.save({ term: 1, vote: "0", commit: 1 }, entries(1, 5, 1));
    // The leader's snapshot at 4 has term 3: our 1..5 are not its log.
    await a.storage.saveSnapshot(snapshot(4, 3));
    await a.storage.save({ term: 3, vote: "0", commit: 4 }, entries(5, 6, 3));
    await a.storage.close();
    const b = await RaftStorage.open(dir);
    assert.is(b.state.snapshot?.metadata.index, 4);
    assert.equal(plain(b.state.entries), plain(entries(5, 6, 3)));
    await b.storage.close();
  } finally {
    cleanup();
  }
});

test("a snapshot beyond the log (a lagging follower catching up) starts the log after it", async () => {
  const { dir, cleanup } = tempRaftDir();
  try {
    const a = await RaftStorage.open(dir);
    await a.storage.create(META);
    await a.storage.save({ term: 1, vote: "0", commit: 2 }, entries(1, 2, 1));
    await a.storage.saveSnapshot(snapshot(100, 4));
    await a.storage.save({ term: 4, vote: "0", commit: 101 }, entries(101, 102, 4));
    await a.storage.close();
    const b = await RaftStorage.open(dir);
    assert.is(b.state.snapshot?.metadata.index, 100);
    assert.equal(plain(b.state.entries), plain(entries(101, 102, 4)));
    assert.is(b.state.hardState.commit, 101);
    await b.storage.close();
  } finally {
    cleanup();
  }
});

test.run();
