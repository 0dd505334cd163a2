import { statSync } from "node:fs";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { RaftStorage, RaftStorageError } from "../../../src/raft/storage/index.ts";
import { rejection } from "../../support/caught.ts";
import { FaultyFs } from "../../support/faulty-fs.ts";
import { memoryLog } from "../../support/memory-log.ts";
import { entries, META, plain, tempRaftDir } from "./support/raft-data.ts";

for (const [op, code] of [
  ["write", "ENOSPC"],
  ["datasync", "EIO"],
] as const) {
  test(`a WAL ${op} failing with ${code}: that save and every later one are refused, and the failed write is not read back`, async () => {
    const { dir, cleanup } = tempRaftDir();
    try {
      const fs = new FaultyFs();
      const { storage } = await RaftStorage.open(dir, { fs, log: memoryLog() });
      await storage.create(META);
      await storage.save({ term: 1, vote: "0", commit: 2 }, entries(1, 3));
      const file = storage.walFiles()[0]!;
      const synced = statSync(file).size;
      fs.failFrom(op, code, /\.wal/);
      const err = await rejection(() => storage.save({ term: 1, vote: "0", commit: 3 }, entries(4, 4)));
      assert.instance(err, RaftStorageError);
      assert.is(
        (err as Error).message.split(": ").slice(0, 2).join(": "),
        `raft WAL ${file}: write at offset ${synced} failed, the WAL is unusable`,
      );
      assert.match((err as Error).message, code);
      fs.heal();
      const later = await rejection(() => storage.save(undefined, entries(5, 5)), "a save after the failure was taken");
      assert.is(later, err, "the WAL stays unusable, even once the disk answers again");
      assert.is(statSync(file).size, synced, "the failed write is cut off the segment");
      await storage.close();
      const again = await RaftStorage.open(dir, { log: memoryLog() });
      assert.equal(plain(again.state.entries), plain(entries(1, 3)));
      assert.equal(again.state.hardState, { term: 1, vote: "0", commit: 2 });
      await again.storage.close();
    } finally {
      cleanup();
    }
  });
}

test.run();
