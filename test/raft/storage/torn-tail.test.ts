import { mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { RaftStorage } from "../../../src/raft/storage/index.ts";
import { memoryLog } from "../../support/memory-log.ts";
import { entries, META, plain, tempRaftDir } from "./support/raft-data.ts";

/** A WAL with entries 1..4 and a last record holding entry 5; returns its bytes and where the last record starts. */
async function walWithLastRecord(dir: string): Promise<{ name: string; bytes: Buffer; lastStart: number }> {
  const { storage } = await RaftStorage.open(dir);
  await storage.create(META);
  await storage.save({ term: 1, vote: "0", commit: 2 }, entries(1, 4));
  const file = storage.walFiles()[0]!;
  const lastStart = statSync(file).size;
  await storage.save(undefined, entries(5, 5));
  await storage.close();
  return { name: basename(file), bytes: readFileSync(file), lastStart };
}

function writeWal(dir: string, name: string, bytes: Uint8Array): void {
  mkdirSync(join(dir, "wal"), { recursive: true });
  writeFileSync(join(dir, "wal", name), bytes);
}

test("a crash in the middle of the last record: for every cut inside it, reopen keeps exactly the records before", async () => {
  const src = tempRaftDir();
  try {
    const { name, bytes, lastStart } = await walWithLastRecord(src.dir);
    assert.ok(bytes.length - lastStart > 9, "the last record has a header and a payload");
    for (let cut = lastStart; cut < bytes.length; cut++) {
      const t = tempRaftDir();
      try {
        writeWal(t.dir, name, bytes.subarray(0, cut));
        const log = memoryLog();
        const { storage, state } = await RaftStorage.open(t.dir, { log });
        assert.equal(plain(state.entries), plain(entries(1, 4)), `cut at ${cut}`);
        assert.equal(state.hardState, { term: 1, vote: "0", commit: 2 });
        if (cut > lastStart) {
          assert.is(log.lines.length, 1, `one warning for the cut at ${cut}`);
          assert.is(log.lines[0]!.msg, "raft WAL: torn tail truncated");
          assert.equal((log.lines[0]!.obj as { offset: number }).offset, lastStart);
        }
        // the repaired WAL takes new writes where the torn record was
        await storage.save(undefined, entries(5, 6, 2));
        await storage.close();
        const again = await RaftStorage.open(t.dir, { log });
        assert.equal(plain(again.state.entries), plain([...entries(1, 4), ...entries(5, 6, 2)]), `after cut ${cut}`);
        await again.storage.close();
      } finally {
        t.cleanup();
      }
    }
  } finally {
    src.cleanup();
  }
});

test("a bad checksum in the final record is a torn write: dropped with a warning", async () => {
  const src = tempRaftDir();
  const t = tempRaftDir();
  try {
    const { name, bytes, lastStart } = await walWithLastRecord(src.dir);
    const damaged = Buffer.from(bytes);
    damaged[damaged.length - 1]! ^= 0xff;
    writeWal(t.dir, name, damaged);
    const log = memoryLog();
    const { storage, state } = await RaftStorage.open(t.dir, { log });
    assert.equal(plain(state.entries), plain(entries(1, 4)));
    assert.equal(log.lines[0]?.obj, {
      file: join(t.dir, "wal", name),
      offset: lastStart,
      droppedBytes: bytes.length - lastStart,
      why: "checksum mismatch",
    });
    await storage.close();
  } finally {
    src.cleanup();
    t.cleanup();
  }
});

test("trailing zeros (a preallocated or half-flushed tail) are cut off", async () => {
  const src = tempRaftDir();
  const t = tempRaftDir();
  try {
    const { name, bytes } = await walWithLastRecord(src.dir);
    writeWal(t.dir, name, Buffer.concat([bytes, Buffer.alloc(4096)]));
    const log = memoryLog();
    const { storage, state } = await RaftStorage.open(t.dir, { log });
    assert.equal(plain(state.entries), plain(entries(1, 5)));
    assert.is((log.lines[0]!.obj as { why: string }).why, "trailing zeros");
    assert.is(statSync(join(t.dir, "wal", name)).size, bytes.length, "the file is truncated on disk");
    await storage.close();
  } finally {
    src.cleanup();
    t.cleanup();
  }
});

test.run();
