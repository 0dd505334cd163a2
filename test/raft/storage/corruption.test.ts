import { readFileSync, writeFileSync } from "node:fs";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { encodeEntry, encodeHardState } from "../../../src/raft/codec.ts";
import { RaftStorage, RaftStorageError } from "../../../src/raft/storage/index.ts";
import { encodeRecord } from "../../../src/raft/storage/record.ts";
import { rejection } from "../../support/caught.ts";
import { entries, entry, META, tempRaftDir } from "./support/raft-data.ts";

async function openError(dir: string): Promise<Error> {
  const e = await rejection(async () => {
    const { storage } = await RaftStorage.open(dir);
    await storage.close();
  }, "open succeeded on a corrupt WAL");
  assert.instance(e, RaftStorageError);
  return e as Error;
}

test("a damaged record in the middle of the WAL stops the open, naming the file and the offset", async () => {
  const { dir, cleanup } = tempRaftDir();
  try {
    const { storage } = await RaftStorage.open(dir);
    await storage.create(META);
    const file = storage.walFiles()[0]!;
    await storage.save(undefined, entries(1, 1));
    const offset = readFileSync(file).length;
    await storage.save(undefined, entries(2, 2));
    const next = readFileSync(file).length;
    await storage.save({ term: 1, vote: "0", commit: 3 }, entries(3, 5));
    await storage.close();
    const bytes = readFileSync(file);
    bytes[offset + 12]! ^= 0x01; // a payload byte of entry 2
    writeFileSync(file, bytes);
    const err = await openError(dir);
    assert.is(
      err.message,
      `raft WAL ${file}: corrupt record at offset ${offset}: checksum mismatch; a valid record follows at offset ${next}: not a torn write`,
    );
    assert.equal(readFileSync(file), bytes, "the file is left as it was, for inspection");
  } finally {
    cleanup();
  }
});

/** Entries 1..5 saved one by one in the last (only) segment; returns the file and where entry 2's record starts. */
async function fiveEntries(dir: string, opts: { dek?: Uint8Array } = {}): Promise<{ file: string; offset: number }> {
  const { storage } = await RaftStorage.open(dir, opts);
  await storage.create(META);
  const file = storage.walFiles()[0]!;
  await storage.save(undefined, entries(1, 1));
  const offset = readFileSync(file).length;
  for (let i = 2; i <= 5; i++) await storage.save({ term: 1, vote: "0", commit: i }, entries(i, i));
  await storage.close();
  return { file, offset };
}

test("a length field flipped to point past the end of the last segment is corruption, not a torn tail: the open fails and the file is kept", async () => {
  for (const dek of [undefined, new Uint8Array(32).fill(7)]) {
    const { dir, cleanup } = tempRaftDir();
    try {
      const { file, offset } = await fiveEntries(dir, dek ? { dek } : {});
      const bytes = readFileSync(file);
      bytes[offset + 3]! ^= 0x40; // entry 2's length field: now ~1 GiB, past the end of the file
      writeFileSync(file, bytes);
      const err = await rejection(async () => {
        const { storage } = await RaftStorage.open(dir, dek ? { dek } : {});
        await storage.close();
      }, "open succeeded on a corrupt WAL");
      assert.instance(err, RaftStorageError);
      const msg = (err as Error).message;
      assert.match(msg, `raft WAL ${file}: corrupt record at offset ${offset}: short record`);
      assert.match(msg, /a valid record follows at offset \d+: not a torn write/);
      assert.equal(readFileSync(file), bytes, "the file is left as it was, for inspection");
    } finally {
      cleanup();
    }
  }
});

test("a length field shrunk inside the last segment is corruption: the open fails and the file is kept", async () => {
  const { dir, cleanup } = tempRaftDir();
  try {
    const { file, offset } = await fiveEntries(dir);
    const bytes = readFileSync(file);
    bytes[offset]! ^= 0x04;
    writeFileSync(file, bytes);
    const err = await openError(dir);
    assert.match(err.message, `raft WAL ${file}: corrupt record at offset ${offset}: checksum mismatch`);
    assert.equal(readFileSync(file), bytes);
  } finally {
    cleanup();
  }
});

test("damage at the end of a segment that is not the last is corruption, not a torn tail", async () => {
  const { dir, cleanup } = tempRaftDir();
  try {
    const { storage } = await RaftStorage.open(dir, { segmentBytes: 512 });
    await storage.create(META);
    for (let i = 1; storage.walFiles().length < 2; i++) await storage.save(undefined, entries(i, i));
    const first = storage.walFiles()[0]!;
    await storage.close();
    const bytes = readFileSync(first);
    writeFileSync(first, bytes.subarray(0, bytes.length - 3));
    const err = await openError(dir);
    assert.match(err.message, `raft WAL ${first}: corrupt record at offset `);
    assert.match(err.message, /short record/);
  } finally {
    cleanup();
  }
});

test("a hard state committing past the end of the log is refused, naming the file", async () => {
  const { dir, cleanup } = tempRaftDir();
  try {
    const { storage } = await RaftStorage.open(dir);
    await storage.create(META);
    await storage.save({ term: 1, vote: "0", commit: 2 }, entries(1, 2));
    const file = storage.walFiles()[0]!;
    await storage.close();
    // a well-framed record a buggy writer could have left
    const bad = encodeRecord({ type: 2, payload: encodeHardState({ term: 1, vote: "0", commit: 9 }) });
    writeFileSync(file, Buffer.concat([readFileSync(file), bad]));
    const err = await openError(dir);
    assert.is(err.message, `raft WAL ${file}: hard state commit 9 is beyond the last index 2`);
  } finally {
    cleanup();
  }
});

test("well-framed records that break the log's order are refused, naming file and offset", async () => {
  const { dir, cleanup } = tempRaftDir();
  try {
    const { storage } = await RaftStorage.open(dir);
    await storage.create(META);
    await storage.save({ term: 3, vote: "0", commit: 2 }, entries(1, 3, 3));
    const file = storage.walFiles()[0]!;
    await storage.close();
    const good = readFileSync(file);
    const cases: [Buffer, string][] = [
      [encodeRecord({ type: 1, payload: encodeEntry(entry(5, 3)) }), "entry index 5 leaves a gap after index 3"],
      [encodeRecord({ type: 1, payload: encodeEntry(entry(4, 2)) }), "entry 4 has term 2, lower than entry 3's term 3"],
      [
        encodeRecord({ type: 2, payload: encodeHardState({ term: 2, vote: "0", commit: 2 }) }),
        "hard state term 2 is lower than the earlier 3",
      ],
      [encodeRecord({ type: 1, payload: Uint8Array.of(0xff, 0xff) }), "malformed raft entry"],
    ];
    for (const [record, why] of cases) {
      writeFileSync(file, Buffer.concat([good, record]));
      const err = await openError(dir);
      assert.match(err.message, `raft WAL ${file}: corrupt record at offset ${good.length}: ${why}`);
    }
  } finally {
    cleanup();
  }
});

test("a segment of another member (different raft ID) is refused", async () => {
  const { dir, cleanup } = tempRaftDir();
  try {
    const { storage } = await RaftStorage.open(dir, { segmentBytes: 256 });
    await storage.create(META);
    for (let i = 1; storage.walFiles().length < 2; i++) await storage.save(undefined, entries(i, i));
    const second = storage.walFiles()[1]!;
    await storage.close();
    const other = await RaftStorage.open(`${dir}-other`);
    await other.storage.create({ ...META, raftId: "42" });
    const otherFile = other.storage.walFiles()[0]!;
    await other.storage.close();
    writeFileSync(second, readFileSync(otherFile));
    const err = await openError(dir);
    assert.match(err.message, `raft WAL ${second}: corrupt record at offset 0: metadata`);
    assert.match(err.message, /differs from the earlier segments'/);
  } finally {
    cleanup();
  }
});

test.run();
