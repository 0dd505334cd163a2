import { test } from "uvu";
import * as assert from "uvu/assert";
import { RaftStorage, RaftStorageError } from "../../../src/raft/storage/index.ts";
import { rejection } from "../../support/caught.ts";
import { entries, entry, META, plain, tempRaftDir } from "./support/raft-data.ts";

test("what would corrupt the log is refused before it is written", async () => {
  const { dir, cleanup } = tempRaftDir();
  try {
    const { storage } = await RaftStorage.open(dir);
    const rejects = async (p: Promise<unknown>, re: RegExp) => {
      const e = await rejection(() => p, `expected ${re}`);
      assert.instance(e, RaftStorageError);
      assert.match((e as Error).message, re);
    };
    await rejects(storage.save(undefined, entries(1, 1)), /no WAL yet/);
    await rejects(storage.create({ ...META, raftId: "0" }), /invalid raft ID "0"/);
    await storage.create(META);
    await rejects(storage.create(META), /already exists/);
    await storage.save(undefined, entries(1, 3));
    await rejects(storage.save(undefined, entries(5, 6)), /entry index 5 does not follow the last index 3/);
    await rejects(
      storage.save(undefined, [entry(4), entry(6)]),
      /out of order \(index 4 term 1, then index 6 term 1\)/,
    );
    await rejects(
      storage.save(undefined, [entry(4, 2), entry(5, 1)]),
      /out of order \(index 4 term 2, then index 5 term 1\)/,
    );
    await rejects(storage.save({ term: 1, vote: "0", commit: 9 }, []), /commit 9 is beyond the last index 3/);
    await storage.close();
    const again = await RaftStorage.open(dir);
    assert.equal(plain(again.state.entries), plain(entries(1, 3)), "nothing refused reached the disk");
    await again.storage.close();
  } finally {
    cleanup();
  }
});

test.run();
