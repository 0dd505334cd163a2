import { test } from "uvu";
import * as assert from "uvu/assert";
import { RaftStorage } from "../../../src/raft/storage/index.ts";
import { entries, META, plain, tempRaftDir } from "./support/raft-data.ts";

test("concurrent saves share writes and fdatasyncs, and every one is acknowledged and on disk", async () => {
  const { dir, cleanup } = tempRaftDir();
  try {
    const { storage } = await RaftStorage.open(dir);
    await storage.create(META);
    const n = 64;
    const saves = [];
    for (let i = 1; i <= n; i++) saves.push(storage.save({ term: 1, vote: "0", commit: i - 1 }, entries(i, i)));
    await Promise.all(saves);
    const s = storage.stats();
    assert.is(s.appends, n, "every save acknowledged");
    assert.ok(s.syncs < n, `${s.syncs} fdatasyncs for ${n} saves`);
    assert.is(s.syncs, s.writes, "one fdatasync per write");
    await storage.close();
    const again = await RaftStorage.open(dir);
    assert.equal(plain(again.state.entries), plain(entries(1, n)));
    assert.is(again.state.hardState.commit, n - 1, "the last save's state wins");
    await again.storage.close();
  } finally {
    cleanup();
  }
});

test("close waits for saves in flight; saves after close are refused", async () => {
  const { dir, cleanup } = tempRaftDir();
  try {
    const { storage } = await RaftStorage.open(dir);
    await storage.create(META);
    const inFlight = storage.save(undefined, entries(1, 3));
    await storage.close();
    await inFlight;
    try {
      await storage.save(undefined, entries(4, 4));
      assert.unreachable("save after close");
    } catch (e) {
      assert.match((e as Error).message, /closed/);
    }
    const again = await RaftStorage.open(dir);
    assert.equal(plain(again.state.entries), plain(entries(1, 3)));
    await again.storage.close();
  } finally {
    cleanup();
  }
});

test.run();
