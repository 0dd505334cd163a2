import { readFileSync, writeFileSync } from "node:fs";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { encodeEntry, encodeWalMetadata } from "../../../src/raft/codec.ts";
import { generateDek, RaftStorage } from "../../../src/raft/storage/index.ts";
import { encodeRecord, RecordType, scanRecords } from "../../../src/raft/storage/record.ts";
import { RecordCipher } from "../../../src/raft/storage/record-cipher.ts";
import type { Entry } from "../../../src/raft/types.ts";
import { Code } from "../../../src/rpc/status.ts";
import { memoryLog } from "../../support/memory-log.ts";
import { openError } from "./support/open-error.ts";
import { entries, entry, META, plain, tempRaftDir } from "./support/raft-data.ts";

/** A manager's WAL sealed with its DEK: one sealed frame per group-commit write, bound to where it was written. */
const AUTH_FAILED = "authentication failed (a wrong DEK, or the data was altered)";

/** Three sequential saves of the same size; where each one's write starts. */
async function threeWrites(dir: string, dek: Buffer): Promise<{ file: string; starts: number[] }> {
  const { storage } = await RaftStorage.open(dir, { dek });
  await storage.create(META);
  const file = storage.walFiles()[0]!;
  const starts: number[] = [];
  for (let i = 1; i <= 3; i++) {
    starts.push(readFileSync(file).length);
    await storage.save({ term: 1, vote: "0", commit: i }, [entry(i)]);
  }
  await storage.close();
  return { file, starts };
}

test("64 concurrent saves with a DEK: one sealed frame per write, and every entry and the last state read back", async () => {
  const { dir, cleanup } = tempRaftDir();
  try {
    const dek = generateDek();
    const { storage } = await RaftStorage.open(dir, { dek });
    await storage.create(META);
    const saves: Promise<void>[] = [];
    for (let i = 1; i <= 64; i++) saves.push(storage.save({ term: 1, vote: "0", commit: i - 1 }, entries(i, i)));
    await Promise.all(saves);
    const { writes } = storage.stats();
    const file = storage.walFiles()[0]!;
    await storage.close();
    const frames = scanRecords(readFileSync(file));
    assert.is(frames.stop, undefined);
    assert.is(frames.records.length, 1 + writes, `the metadata write and ${writes} group-commit writes`);
    const again = await RaftStorage.open(dir, { dek });
    await again.storage.close();
    assert.equal(plain(again.state.entries), plain(entries(1, 64)));
    assert.equal(again.state.hardState, { term: 1, vote: "0", commit: 63 });
  } finally {
    cleanup();
  }
});

test("with a DEK, every new segment starts with its own sealed write, and the entries of all segments read back", async () => {
  const { dir, cleanup } = tempRaftDir();
  try {
    const dek = generateDek();
    const { storage } = await RaftStorage.open(dir, { dek, segmentBytes: 512 });
    await storage.create(META);
    for (let i = 1; i <= 40; i += 4) await storage.save({ term: 1, vote: "0", commit: i }, entries(i, i + 3));
    const files = storage.walFiles();
    const { writes } = storage.stats();
    await storage.close();
    assert.ok(files.length >= 3, `${files.length} segments`);
    const frames = files.map((f) => scanRecords(readFileSync(f)).records.length);
    assert.is(
      frames.reduce((a, b) => a + b, 0),
      files.length + writes,
      `one sealed preamble per segment and one frame per write (${frames.join(", ")})`,
    );
    const again = await RaftStorage.open(dir, { dek, segmentBytes: 512 });
    await again.storage.close();
    assert.equal(plain(again.state.entries), plain(entries(1, 40)));
    assert.equal(again.state.hardState, { term: 1, vote: "0", commit: 37 });
  } finally {
    cleanup();
  }
});

test("a sealed write copied over a later one fails authentication at the place it was copied to", async () => {
  const { dir, cleanup } = tempRaftDir();
  try {
    const dek = generateDek();
    const { file, starts } = await threeWrites(dir, dek);
    const bytes = readFileSync(file);
    const [, second, third] = starts as [number, number, number];
    assert.is(third - second, bytes.length - third, "the writes are the same size");
    bytes.copy(bytes, third, second, third); // a valid sealed write, with its checksum, replayed later in the file
    writeFileSync(file, bytes);
    const err = await openError(dir, { dek });
    assert.is(err.message, `raft WAL ${file}: corrupt record at offset ${third}: ${AUTH_FAILED}`);
  } finally {
    cleanup();
  }
});

test("a crash in the middle of the last sealed write: nothing of it is replayed, every earlier write is", async () => {
  const { dir, cleanup } = tempRaftDir();
  try {
    const dek = generateDek();
    const { file, starts } = await threeWrites(dir, dek);
    const bytes = readFileSync(file);
    const third = starts[2]!;
    for (let cut = third + 1; cut < bytes.length; cut += 7) {
      writeFileSync(file, bytes.subarray(0, cut));
      const log = memoryLog();
      const { storage, state } = await RaftStorage.open(dir, { dek, log });
      await storage.close();
      assert.equal(plain(state.entries), plain([entry(1), entry(2)]), `cut at ${cut}`);
      assert.equal(state.hardState, { term: 1, vote: "0", commit: 2 }, `cut at ${cut}`);
      assert.is(log.lines.length, 1, `one torn-tail warning for the cut at ${cut}`);
    }
  } finally {
    cleanup();
  }
});

test("a WAL in clear opened with a DEK is refused with FailedPrecondition naming the file", async () => {
  const { dir, cleanup } = tempRaftDir();
  try {
    const { storage } = await RaftStorage.open(dir);
    await storage.create(META);
    await storage.save(undefined, entries(1, 2));
    const file = storage.walFiles()[0]!;
    await storage.close();
    const err = await openError(dir, { dek: generateDek() });
    assert.is(err.code, Code.FailedPrecondition);
    assert.is(
      err.message,
      `raft WAL ${file}: the record at offset 0 is not a sealed write: the WAL is in clear, or was sealed record by record by an older swarmbus build; this build does not read it`,
    );
  } finally {
    cleanup();
  }
});

/** A WAL as the first sealed swarmbus build wrote it: every record's payload sealed on its own, bound to its type. */
function perRecordSealedWal(dir: string, dek: Buffer, es: readonly Entry[]): string {
  const cipher = new RecordCipher(dek);
  const rec = (type: 0 | 1, payload: Uint8Array) =>
    encodeRecord({ type, payload: cipher.seal(payload, Uint8Array.of(type)) });
  const file = `${dir}/wal/${"0".repeat(16)}-${"0".repeat(16)}.wal`;
  const records = [
    rec(RecordType.metadata, encodeWalMetadata(META)),
    ...es.map((e) => rec(RecordType.entry, encodeEntry(e))),
  ];
  writeFileSync(file, Buffer.concat(records), { mode: 0o600 });
  return file;
}

test("a WAL sealed record by record by an older build is refused with FailedPrecondition naming the file", async () => {
  const { dir, cleanup } = tempRaftDir();
  try {
    const dek = generateDek();
    // The directories as a first open leaves them, then the old build's segment.
    await (await RaftStorage.open(dir, { dek })).storage.close();
    const file = perRecordSealedWal(dir, dek, entries(1, 3));
    const err = await openError(dir, { dek });
    assert.is(err.code, Code.FailedPrecondition);
    assert.match(err.message, `raft WAL ${file}: the record at offset 0 is not a sealed write`);
  } finally {
    cleanup();
  }
});

test("a sealed WAL opened without a DEK is refused with FailedPrecondition naming the file", async () => {
  const { dir, cleanup } = tempRaftDir();
  try {
    const { file } = await threeWrites(dir, generateDek());
    const err = await openError(dir);
    assert.is(err.code, Code.FailedPrecondition);
    assert.is(err.message, `raft WAL ${file}: the record at offset 0 is sealed with a DEK, and none was given`);
  } finally {
    cleanup();
  }
});

test.run();
