import { test } from "uvu";
import * as assert from "uvu/assert";
import { RaftStorage } from "../../../src/raft/storage/index.ts";
import { memoryLog } from "../../support/memory-log.ts";
import { entries, META, plain, snapshot, tempRaftDir } from "./support/raft-data.ts";

test("a new member has no WAL; after create, entries, state and a snapshot come back on reopen", async () => {
  const { dir, cleanup } = tempRaftDir();
  try {
    assert.is(RaftStorage.exists(dir), false);
    const log = memoryLog();
    const first = await RaftStorage.open(dir, { log });
    assert.is(first.state.metadata, null);
    assert.equal(first.state.entries, []);
    assert.is(first.state.snapshot, null);
    await first.storage.create(META);
    assert.is(RaftStorage.exists(dir), true);
    await first.storage.save({ term: 2, vote: META.raftId, commit: 3 }, entries(1, 5, 2));
    await first.storage.saveSnapshot(snapshot(3, 2, "applied up to 3"));
    await first.storage.save({ term: 2, vote: META.raftId, commit: 6 }, entries(6, 7, 2));
    await first.storage.close();

    const { storage, state } = await RaftStorage.open(dir, { log });
    assert.equal(state.metadata, META);
    assert.equal(state.hardState, { term: 2, vote: META.raftId, commit: 6 });
    assert.is(state.snapshot?.metadata.index, 3);
    assert.equal(state.snapshot?.metadata.confState.voters, ["1", "2", "3"]);
    assert.is(new TextDecoder().decode(state.snapshot?.data), "applied up to 3");
    assert.equal(plain(state.entries), plain(entries(4, 7, 2)), "the log after the snapshot");
    assert.equal(log.lines, [], "a clean shutdown leaves nothing to warn about");
    await storage.close();
  } finally {
    cleanup();
  }
});

test("a restarted member appends after what it read, and the next restart sees both", async () => {
  const { dir, cleanup } = tempRaftDir();
  try {
    const a = await RaftStorage.open(dir);
    await a.storage.create(META);
    await a.storage.save({ term: 1, vote: "0", commit: 2 }, entries(1, 2));
    await a.storage.close();
    const b = await RaftStorage.open(dir);
    await b.storage.save({ term: 3, vote: "7", commit: 4 }, entries(3, 4, 3));
    await b.storage.close();
    const c = await RaftStorage.open(dir);
    assert.equal(plain(c.state.entries), plain([...entries(1, 2), ...entries(3, 4, 3)]));
    assert.equal(c.state.hardState, { term: 3, vote: "7", commit: 4 });
    await c.storage.close();
  } finally {
    cleanup();
  }
});

test("a demoted manager wipes its Raft data: next start is a new member", async () => {
  const { dir, cleanup } = tempRaftDir();
  try {
    const a = await RaftStorage.open(dir);
    await a.storage.create(META);
    await a.storage.save({ term: 1, vote: "0", commit: 1 }, entries(1, 1));
    await a.storage.saveSnapshot(snapshot(1, 1));
    await a.storage.close();
    await RaftStorage.wipe(dir);
    assert.is(RaftStorage.exists(dir), false);
    const b = await RaftStorage.open(dir);
    assert.is(b.state.metadata, null);
    assert.is(b.state.snapshot, null);
    assert.equal(b.state.entries, []);
    await b.storage.close();
  } finally {
    cleanup();
  }
});

test.run();
