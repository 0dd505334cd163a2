import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { RaftStorage, RaftStorageError } from "../../../src/raft/storage/index.ts";
import { memoryLog } from "../../support/memory-log.ts";
import { entries, META, plain, snapshot, tempRaftDir } from "./support/raft-data.ts";

const snapFiles = (dir: string) => readdirSync(join(dir, "snap")).sort();

function damage(file: string): void {
  const b = readFileSync(file);
  b[b.length - 2]! ^= 0x55;
  writeFileSync(file, b);
}

test("only the newest snapshot is kept (KeepOldSnapshots 0), named <term>-<index>.snap", async () => {
  const { dir, cleanup } = tempRaftDir();
  try {
    const { storage } = await RaftStorage.open(dir);
    await storage.create(META);
    await storage.save({ term: 2, vote: "0", commit: 20 }, entries(1, 20, 2));
    await storage.saveSnapshot(snapshot(10, 2));
    await storage.saveSnapshot(snapshot(20, 2));
    assert.equal(snapFiles(dir), ["0000000000000002-0000000000000014.snap"]);
    await storage.close();
  } finally {
    cleanup();
  }
});

test("a corrupt newest snapshot falls back to an older one the WAL still covers", async () => {
  const { dir, cleanup } = tempRaftDir();
  try {
    const a = await RaftStorage.open(dir, { keepOldSnapshots: 1 });
    await a.storage.create(META);
    await a.storage.save({ term: 2, vote: "0", commit: 25 }, entries(1, 25, 2));
    await a.storage.saveSnapshot(snapshot(10, 2, "at 10"));
    await a.storage.saveSnapshot(snapshot(20, 2, "at 20"));
    await a.storage.close();
    const newest = join(dir, "snap", "0000000000000002-0000000000000014.snap");
    damage(newest);
    const log = memoryLog();
    const b = await RaftStorage.open(dir, { log });
    assert.is(b.state.snapshot?.metadata.index, 10);
    assert.is(new TextDecoder().decode(b.state.snapshot?.data), "at 10");
    assert.equal(plain(b.state.entries), plain(entries(11, 25, 2)), "the WAL replays the rest");
    assert.equal(log.lines[0], {
      level: "warn",
      obj: { file: newest, err: `raft snapshot ${newest}: checksum mismatch` },
      msg: "raft snapshot: unreadable snapshot skipped",
    });
    await b.storage.close();
  } finally {
    cleanup();
  }
});

test("a corrupt snapshot with nothing to fall back on is a clear error", async () => {
  const { dir, cleanup } = tempRaftDir();
  try {
    const a = await RaftStorage.open(dir, { segmentBytes: 512 });
    await a.storage.create(META);
    for (let i = 1; i <= 60; i++) await a.storage.save({ term: 1, vote: "0", commit: i }, entries(i, i));
    await a.storage.saveSnapshot(snapshot(50, 1));
    await a.storage.close();
    const file = join(dir, "snap", "0000000000000001-0000000000000032.snap");
    damage(file);
    try {
      const b = await RaftStorage.open(dir, { log: memoryLog() });
      await b.storage.close();
      assert.unreachable("open succeeded without a usable snapshot");
    } catch (e) {
      assert.instance(e, RaftStorageError);
      assert.match((e as Error).message, `raft storage ${dir}: no usable snapshot, and the WAL starts after index`);
      assert.match((e as Error).message, `raft snapshot ${file}: checksum mismatch`);
    }
  } finally {
    cleanup();
  }
});

test("a snapshot file written just before a crash, before its WAL record, is ignored", async () => {
  const { dir, cleanup } = tempRaftDir();
  try {
    const a = await RaftStorage.open(dir);
    await a.storage.create(META);
    await a.storage.save({ term: 1, vote: "0", commit: 5 }, entries(1, 5));
    await a.storage.close();
    // what snapshotter.save leaves if the process dies before the WAL marker
    const b0 = await RaftStorage.open(join(dir, "..", "elsewhere"));
    await b0.storage.create(META);
    await b0.storage.save({ term: 1, vote: "0", commit: 5 }, entries(1, 5));
    await b0.storage.saveSnapshot(snapshot(5, 1));
    await b0.storage.close();
    const stray = "0000000000000001-0000000000000005.snap";
    writeFileSync(join(dir, "snap", stray), readFileSync(join(dir, "..", "elsewhere", "snap", stray)));
    const log = memoryLog();
    const b = await RaftStorage.open(dir, { log });
    assert.is(b.state.snapshot, null);
    assert.equal(plain(b.state.entries), plain(entries(1, 5)));
    assert.match(log.lines[0]?.msg ?? "", /no WAL record of this snapshot/);
    await b.storage.close();
  } finally {
    cleanup();
  }
});

test.run();
