import { test } from "uvu";
import * as assert from "uvu/assert";
import { lostWrites, runFigures } from "./figures.ts";
import type { History, Op } from "./history.ts";

let id = 0;
const w = (client: string, value: string, call: number, ret?: number, outcome: Op["outcome"] = "ok"): Op => ({
  id: ++id,
  client,
  kind: "write",
  key: "k",
  value,
  call,
  ...(ret !== undefined ? { ret } : {}),
  outcome: ret === undefined ? "unknown" : outcome,
});
const r = (client: string, value: string | null, call: number, ret: number): Op => ({
  id: ++id,
  client,
  kind: "read",
  key: "k",
  value,
  call,
  ret,
  outcome: "ok",
});
const h = (...ops: Op[]): History => ({ ops });

test("a write overwritten before anyone read it is not lost", () => {
  assert.equal(lostWrites(h(w("c1@m1", "a", 0, 10), w("c2@m2", "b", 20, 30), r("c3@m3", "b", 40, 50))), []);
});

test("a read after an acknowledged write that shows the value before it: that write is lost", () => {
  const a = w("c1@m1", "a", 0, 10);
  const b = w("c2@m2", "b", 20, 30);
  assert.equal(
    lostWrites(h(a, b, r("c3@m3", "a", 40, 50))).map((o) => o.value),
    ["b"],
  );
  // The register gone back to empty loses every write before the read.
  assert.equal(
    lostWrites(h(a, b, r("c3@m3", null, 40, 50))).map((o) => o.value),
    ["a", "b"],
  );
});

test("a read concurrent with the write, or showing a concurrent write's value, loses nothing", () => {
  assert.equal(lostWrites(h(w("c1@m1", "a", 0, 10), w("c2@m2", "b", 5, 30), r("c3@m3", "a", 40, 50))), []);
  assert.equal(lostWrites(h(w("c1@m1", "a", 0, 10), r("c3@m3", null, 5, 50))), []);
});

test("availability: answered within the bound, among the calls that count", () => {
  const ops = [
    r("c1@m1", "a", 0, 100),
    w("c1@m1", "a", 200, 1_500),
    w("c2@m2", "b", 300, 400, "error"),
    w("c3@m3", "c", 500),
  ];
  const f = runFigures(h(...ops), (op) => !op.client.endsWith("@m3"));
  assert.is(f.operations, 4);
  assert.is(f.unknown, 1);
  // m3's call does not count; of the other three, the slow write is not answered within 1 s.
  assert.is(f.availability, 2 / 3);
});

test.run();
