import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { crc32 } from "node:zlib";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { generateDek, RaftStorage } from "../../../src/raft/storage/index.ts";
import { scanRecords } from "../../../src/raft/storage/record.ts";
import type { Entry } from "../../../src/raft/types.ts";
import { Code } from "../../../src/rpc/status.ts";
import { openError } from "./support/open-error.ts";
import { META, plain, snapshot, tempRaftDir } from "./support/raft-data.ts";

/** A manager's Raft data sealed with its DEK: what is on disk says nothing, and only that DEK reads it back. */
const secret = (i: number): Entry => ({
  index: i,
  term: 1,
  type: "normal",
  data: new TextEncoder().encode(`join token SWMTKN-1-secret-${i}`),
});

const filesUnder = (dir: string): string[] =>
  readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => join(d.parentPath, d.name));

async function sealedWal(dir: string, dek: Buffer): Promise<{ file: string; secondAt: number }> {
  const { storage } = await RaftStorage.open(dir, { dek });
  await storage.create(META);
  const file = storage.walFiles()[0]!;
  await storage.save(undefined, [secret(1)]);
  const secondAt = readFileSync(file).length;
  await storage.save({ term: 1, vote: "0", commit: 2 }, [secret(2)]);
  await storage.save({ term: 1, vote: "0", commit: 3 }, [secret(3)]);
  await storage.close();
  return { file, secondAt };
}

test("with a DEK no WAL or snapshot file holds the data in clear, and the same DEK reads it all back", async () => {
  const { dir, cleanup } = tempRaftDir();
  try {
    const dek = generateDek();
    await sealedWal(dir, dek);
    const a = await RaftStorage.open(dir, { dek });
    await a.storage.saveSnapshot(snapshot(2, 1, "store with SWMTKN-1-in-the-snapshot"));
    await a.storage.close();
    const files = filesUnder(dir);
    assert.ok(files.some((f) => f.endsWith(".snap")) && files.some((f) => f.endsWith(".wal")), files.join(", "));
    for (const f of files) assert.not.ok(readFileSync(f).includes("SWMTKN"), `${f} holds a join token in clear`);
    const b = await RaftStorage.open(dir, { dek });
    await b.storage.close();
    assert.is(new TextDecoder().decode(b.state.snapshot?.data), "store with SWMTKN-1-in-the-snapshot");
    assert.equal(plain(b.state.entries), plain([secret(3)]));
    assert.equal(b.state.hardState, { term: 1, vote: "0", commit: 3 });
  } finally {
    cleanup();
  }
});

test("a record altered in the middle of the WAL fails authentication: a coded error naming file and offset", async () => {
  const { dir, cleanup } = tempRaftDir();
  try {
    const dek = generateDek();
    const { file, secondAt } = await sealedWal(dir, dek);
    const bytes = readFileSync(file);
    bytes[secondAt + 20]! ^= 0x01; // a ciphertext byte of entry 2's record
    // Its checksum made to match: an altered record, not a torn write (that is still "checksum mismatch").
    const length = bytes.readUInt32LE(secondAt);
    const type = bytes.subarray(secondAt + 8, secondAt + 9);
    bytes.writeUInt32LE(crc32(bytes.subarray(secondAt + 9, secondAt + 9 + length), crc32(type)), secondAt + 4);
    writeFileSync(file, bytes);
    assert.is(scanRecords(bytes).stop, undefined, "the frame itself is intact");
    const err = await openError(dir, { dek });
    assert.is(err.code, Code.Unknown);
    assert.is(
      err.message,
      `raft WAL ${file}: corrupt record at offset ${secondAt}: authentication failed (a wrong DEK, or the data was altered)`,
    );
  } finally {
    cleanup();
  }
});

test("another DEK cannot open the WAL: the first record fails authentication", async () => {
  const { dir, cleanup } = tempRaftDir();
  try {
    const { file } = await sealedWal(dir, generateDek());
    const err = await openError(dir, { dek: generateDek() });
    assert.is(
      err.message,
      `raft WAL ${file}: corrupt record at offset 0: authentication failed (a wrong DEK, or the data was altered)`,
    );
  } finally {
    cleanup();
  }
});

test("a sealed record cut short at the end of the WAL is still a torn tail: truncated, the rest reads back", async () => {
  const { dir, cleanup } = tempRaftDir();
  try {
    const dek = generateDek();
    const { file } = await sealedWal(dir, dek);
    const bytes = readFileSync(file);
    writeFileSync(file, bytes.subarray(0, bytes.length - 5));
    const { storage, state } = await RaftStorage.open(dir, { dek, log: { warn() {} } });
    await storage.close();
    assert.equal(plain(state.entries), plain([secret(1), secret(2), secret(3)]).slice(0, state.entries.length));
    assert.ok(state.entries.length >= 2, "the complete records before the torn one are kept");
  } finally {
    cleanup();
  }
});

test.run();
