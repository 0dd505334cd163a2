import { test } from "uvu";
import * as assert from "uvu/assert";
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
  assert.is(s.firstIndex(), 4);
  assert.is(s.lastIndex(), 5);
  assert.is(s.term(3), 2, "the snapshot's term stays known");
  assert.throws(
    () => s.term(2),
    (e: unknown) => e instanceof ErrCompacted,
  );
  assert.throws(
    () => s.entries(3, 5, 1000),
    (e: unknown) => e instanceof ErrCompacted,
  );
  assert.throws(
    () => s.term(6),
    (e: unknown) => e instanceof ErrUnavailable,
  );
  assert.equal(
    s.entries(4, 6, 1000).map((x) => x.index),
    [4, 5],
  );
  assert.is(s.snapshot().metadata.index, 3);
  assert.is(s.snapshot().metadata.term, 2);
  assert.throws(
    () => s.createSnapshot(2, { voters: [] }, new Uint8Array()),
    (e: unknown) => e instanceof ErrSnapOutOfDate,
  );
  assert.throws(
    () => s.compact(3),
    (e: unknown) => e instanceof ErrCompacted,
  );
});

test("entries() stops at maxSize but always returns at least one entry", () => {
  const s = new MemoryStorage();
  s.append([e(1, 1, "x".repeat(50)), e(2, 1, "y".repeat(50)), e(3, 1, "z")]);
  assert.is(s.entries(1, 4, 10).length, 1);
  assert.is(s.entries(1, 4, 66).length, 1);
  assert.is(s.entries(1, 4, 132).length, 2);
  assert.is(s.entries(1, 4, Number.POSITIVE_INFINITY).length, 3);
});

test("append truncates a conflicting suffix and ignores what is already compacted", () => {
  const s = new MemoryStorage();
  s.append([e(1, 1), e(2, 1), e(3, 1)]);
  s.append([e(2, 2), e(3, 2), e(4, 2)]);
  assert.equal(
    s.entries(1, 5, 1e9).map((x) => x.term),
    [1, 2, 2, 2],
  );
  s.createSnapshot(3, { voters: [] }, new Uint8Array());
  s.compact(3);
  s.append([e(1, 1), e(2, 2), e(3, 2), e(4, 2), e(5, 2)]);
  assert.is(s.lastIndex(), 5);
  assert.throws(() => s.append([e(9, 2)]), /missing log entry/);
});

test("applySnapshot replaces the log; an older snapshot is refused", () => {
  const s = new MemoryStorage();
  s.append([e(1, 1), e(2, 1)]);
  s.applySnapshot({ metadata: { index: 10, term: 3, confState: { voters: ["1", "2"] } }, data: new Uint8Array([7]) });
  assert.is(s.firstIndex(), 11);
  assert.is(s.lastIndex(), 10);
  assert.is(s.term(10), 3);
  assert.equal(s.initialState().confState.voters, ["1", "2"]);
  assert.throws(
    () => s.applySnapshot({ metadata: { index: 5, term: 1, confState: { voters: [] } }, data: new Uint8Array() }),
    (e: unknown) => e instanceof ErrSnapOutOfDate,
  );
});

test.run();
