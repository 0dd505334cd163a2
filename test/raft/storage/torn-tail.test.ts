import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { RaftStorage } from "../../../src/raft/storage/index.ts";
import { encodeRecord, SEALED_BATCH, scanRecords } from "../../../src/raft/storage/record.ts";
import type { Entry } from "../../../src/raft/types.ts";
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

/** Entries with `bytes` of non-zero data each (records spanning several 512-byte sectors). */
const bigEntries = (from: number, to: number, bytes: number): Entry[] =>
  entries(from, to).map((e) => ({ ...e, data: new Uint8Array(bytes).fill(0x5a) }));

/** Entries 1..4 written one by one, then entries 5..8 in a single write; where that last write starts. */
async function walWithLastWrite(dir: string): Promise<{ file: string; bytes: Buffer; lastWrite: number }> {
  const { storage } = await RaftStorage.open(dir);
  await storage.create(META);
  for (let i = 1; i <= 4; i++) await storage.save({ term: 1, vote: "0", commit: i }, bigEntries(i, i, 1500));
  const file = storage.walFiles()[0]!;
  const lastWrite = statSync(file).size;
  await storage.save(undefined, bigEntries(5, 8, 1500));
  await storage.close();
  return { file, bytes: readFileSync(file), lastWrite };
}

test("the last write cut in its middle: the records it completed are read, the cut one is truncated with a warning", async () => {
  const { dir, cleanup } = tempRaftDir();
  try {
    const { file, bytes, lastWrite } = await walWithLastWrite(dir);
    const record = (bytes.length - lastWrite) / 4;
    const cut = lastWrite + 2 * record + 700; // inside entry 7
    writeFileSync(file, bytes.subarray(0, cut));
    const log = memoryLog();
    const { storage, state } = await RaftStorage.open(dir, { log });
    assert.equal(plain(state.entries), plain(bigEntries(1, 6, 1500)));
    assert.is(log.lines[0]?.msg, "raft WAL: torn tail truncated");
    assert.is((log.lines[0]!.obj as { offset: number }).offset, lastWrite + 2 * record);
    assert.is(statSync(file).size, lastWrite + 2 * record);
    await storage.close();
  } finally {
    cleanup();
  }
});

test("a sector of the last write lost while later records of that write made it: a torn write, dropped from there", async () => {
  const { dir, cleanup } = tempRaftDir();
  try {
    const { file, bytes, lastWrite } = await walWithLastWrite(dir);
    const damaged = Buffer.from(bytes);
    const sector = Math.ceil((lastWrite + 9) / 512) * 512; // the first whole sector inside entry 5
    damaged.fill(0, sector, sector + 512);
    writeFileSync(file, damaged);
    const log = memoryLog();
    const { storage, state } = await RaftStorage.open(dir, { log });
    assert.equal(plain(state.entries), plain(bigEntries(1, 4, 1500)));
    assert.equal(state.hardState, { term: 1, vote: "0", commit: 4 });
    assert.match((log.lines[0]!.obj as { why: string }).why, "a sector of zeros");
    assert.is(statSync(file).size, lastWrite);
    await storage.close();
  } finally {
    cleanup();
  }
});

test("a large sealed write cut short (8 MiB of ciphertext) is still told for a torn tail: noise in it does not pass for a record", () => {
  const first = encodeRecord({ type: SEALED_BATCH, payload: randomBytes(200) });
  const big = encodeRecord({ type: SEALED_BATCH, payload: randomBytes(8 * 1024 * 1024) });
  const { records, stop } = scanRecords(Buffer.concat([first, big.subarray(0, big.length - 4096)]));
  assert.is(records.length, 1);
  assert.equal(stop && { offset: stop.offset, tail: stop.tail }, { offset: first.length, tail: true });
});

test.run();
