import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { RaftStorage } from "../../../src/raft/storage/index.ts";
import { FaultyFs } from "../../support/faulty-fs.ts";
import { memoryLog } from "../../support/memory-log.ts";
import { entries, META, plain, tempRaftDir } from "./support/raft-data.ts";

test("files a crash left half written (a segment being cut, a snapshot being written) are removed on open", async () => {
  const { dir, cleanup } = tempRaftDir();
  try {
    const a = await RaftStorage.open(dir);
    await a.storage.create(META);
    await a.storage.save({ term: 1, vote: "0", commit: 3 }, entries(1, 3));
    await a.storage.close();
    const segTmp = join(dir, "wal", "0000000000000001-0000000000000004.wal.tmp");
    const snapTmp = join(dir, "snap", "0000000000000001-0000000000000003.snap.tmp");
    writeFileSync(segTmp, Buffer.from([1, 2, 3]));
    writeFileSync(snapTmp, Buffer.from([4, 5]));
    const log = memoryLog();
    const fs = new FaultyFs();
    const b = await RaftStorage.open(dir, { log, fs });
    assert.equal(plain(b.state.entries), plain(entries(1, 3)));
    assert.is(b.state.snapshot, null);
    assert.is(existsSync(segTmp), false);
    assert.is(existsSync(snapTmp), false);
    assert.equal(fs.notSyncedInParent(), [], "the removals are fsync'd in their directories");
    assert.equal(log.lines.map((w) => w.msg).sort(), [
      "raft WAL: removing an unfinished segment",
      "raft snapshot: removing an unfinished snapshot file",
    ]);
    await b.storage.close();
  } finally {
    cleanup();
  }
});

test.run();
