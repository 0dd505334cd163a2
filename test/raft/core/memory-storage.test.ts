import * as assert from "node:assert/strict";
import { test } from "uvu";
import { ErrCompacted, ErrSnapOutOfDate, ErrUnavailable, MemoryStorage } from "../../../src/raft/core/index.ts";
import type { Entry } from "../../../src/raft/types.ts";

const e = (index: number, term: number, data = ""): Entry => ({
  index,
  term,
  type: "normal",
  data: new TextEncoder().encode(data),
});

test("compaction: entries and terms below the snapshot are gone (ErrCompacted), beyond the log unavailable", () => {
  const s = new MemoryStorage();
  s.append([e(1, 1), e(2, 1), e(3, 2), e(4, 2), e(5, 3)]);
  s.createSnapshot(3, { voters: ["1"] }, new Uint8Array([1]));
  s.compact(3);
  assert.equal(s.firstIndex(), 4);
  assert.equal(s.lastIndex(), 5);
  assert.equal(s.term(3), 2, "the snapshot's term stays known");
  assert.throws(() => s.term(2), ErrCompacted);
  assert.throws(() => s.entries(3, 5, 1000), ErrCompacted);
  assert.throws(() => s.term(6), ErrUnavailable);
  assert.deepEqual(
    s.entries(4, 6, 1000).map((x) => x.index),
    [4, 5],
  );
  assert.equal(s.snapshot().metadata.index, 3);
  assert.equal(s.snapshot().metadata.term, 2);
  assert.throws(() => s.createSnapshot(2, { voters: [] }, new Uint8Array()), ErrSnapOutOfDate);
  assert.throws(() => s.compact(3), ErrCompacted);
});

test("entries() stops at maxSize but always returns at least one entry", () => {
  const s = new MemoryStorage();
  s.append([e(1, 1, "x".repeat(50)), e(2, 1, "y".repeat(50)), e(3, 1, "z")]);
  assert.equal(s.entries(1, 4, 10).length, 1);
  assert.equal(s.entries(1, 4, 66).length, 1);
  assert.equal(s.entries(1, 4, 132).length, 2);
  assert.equal(s.entries(1, 4, Number.POSITIVE_INFINITY).length, 3);
});

test("append truncates a conflicting suffix and ignores what is already compacted", () => {
  const s = new MemoryStorage();
  s.append([e(1, 1), e(2, 1), e(3, 1)]);
  s.append([e(2, 2), e(3, 2), e(4, 2)]);
  assert.deepEqual(
    s.entries(1, 5, 1e9).map((x) => x.term),
    [1, 2, 2, 2],
  );
  s.createSnapshot(3, { voters: [] }, new Uint8Array());
  s.compact(3);
  s.append([e(1, 1), e(2, 2), e(3, 2), e(4, 2), e(5, 2)]);
  assert.equal(s.lastIndex(), 5);
  assert.throws(() => s.append([e(9, 2)]), /missing log entry/);
});

test("applySnapshot replaces the log; an older snapshot is refused", () => {
  const s = new MemoryStorage();
  s.append([e(1, 1), e(2, 1)]);
  s.applySnapshot({ metadata: { index: 10, term: 3, confState: { voters: ["1", "2"] } }, data: new Uint8Array([7]) });
  assert.equal(s.firstIndex(), 11);
  assert.equal(s.lastIndex(), 10);
  assert.equal(s.term(10), 3);
  assert.deepEqual(s.initialState().confState.voters, ["1", "2"]);
  assert.throws(
    () => s.applySnapshot({ metadata: { index: 5, term: 1, confState: { voters: [] } }, data: new Uint8Array() }),
    ErrSnapOutOfDate,
  );
});

test.run();
