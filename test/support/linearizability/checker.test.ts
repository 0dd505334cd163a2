import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { thrown } from "../caught.ts";
import { useTempDir } from "../temp-dir.ts";
import { type CheckResult, checkHistory, type KeyViolation } from "./checker.ts";
import { type History, HistoryRecorder, type Op, parseHistory, type Value } from "./history.ts";
import { registerModel } from "./model.ts";
import { writeFailure } from "./timeline.ts";

const dir = useTempDir(test, "swarmbus-lin-");

/** One op per line: `[client, "w"|"r", value, call, ret | undefined(unknown) | "error"]`, key "k" unless given. */
type Row = [
  client: string,
  kind: "w" | "r",
  value: Value,
  call: number,
  ret: number | "error" | undefined,
  key?: string,
];

function history(...rows: Row[]): History {
  return {
    ops: rows.map(([client, kind, value, call, ret, key], i): Op => {
      const op: Op = {
        id: i + 1,
        client,
        kind: kind === "w" ? "write" : "read",
        key: key ?? "k",
        value,
        call,
        outcome: ret === undefined ? "unknown" : ret === "error" ? "error" : "ok",
      };
      if (typeof ret === "number") op.ret = ret;
      else if (ret === "error") op.ret = call + 1;
      return op;
    }),
  };
}

const check = (h: History, initial: Value = null): CheckResult => checkHistory(h, registerModel(initial));

function violationOf(r: CheckResult): KeyViolation {
  const v = r.keys.find((k) => k.result === "violation");
  assert.ok(v && v.result === "violation", `expected a violation, got ${r.result}`);
  return v;
}

test("concurrent writes and reads with overlapping intervals are linearizable", () => {
  // w1 and w2 overlap; the reads inside the overlap may see either order, each read once.
  const r = check(
    history(
      ["c1", "w", "1", 0, 10],
      ["c2", "w", "2", 1, 9],
      ["c3", "r", "2", 2, 3],
      ["c3", "r", "1", 4, 5],
      ["c4", "r", "1", 11, 12],
    ),
  );
  assert.is(r.result, "ok");
  // the initial value may be read before any write has taken effect
  assert.is(check(history(["c1", "w", "1", 0, 10], ["c2", "r", "x", 1, 2]), "x").result, "ok");
});

test("a read that returns a value older than a write completed before it began is caught and named", () => {
  const r = check(history(["c1", "w", "1", 0, 1], ["c1", "w", "2", 2, 3], ["c2", "r", "1", 4, 5]));
  assert.is(r.result, "violation");
  const v = violationOf(r);
  assert.equal(
    v.prefix.map((o) => o.id),
    [1, 2],
  );
  assert.is(v.unplaced.id, 3);
  assert.is(v.stateAfterPrefix, '"2"');
});

test("a read of a value never written is caught", () => {
  const v = violationOf(check(history(["c1", "w", "1", 0, 1], ["c2", "r", "9", 0.5, 5])));
  assert.is(v.unplaced.id, 2);
});

test("two reads that do not overlap seeing new then old are caught, even while the write is in flight", () => {
  const r = check(
    history(["c1", "w", "1", 0, 1], ["c1", "w", "2", 2, 100], ["c2", "r", "2", 3, 4], ["c3", "r", "1", 5, 6]),
  );
  const v = violationOf(r);
  assert.is(v.unplaced.id, 4);
  // ...while the same reads overlapping each other are fine
  assert.is(
    check(history(["c1", "w", "1", 0, 1], ["c1", "w", "2", 2, 100], ["c2", "r", "2", 3, 6], ["c3", "r", "1", 5, 7]))
      .result,
    "ok",
  );
});

test("an unknown write may take effect at any time after its call, or never; an error write never", () => {
  const lost = history(["c1", "w", "1", 0, 1], ["c2", "w", "2", 2, undefined], ["c3", "r", "1", 50, 51]);
  assert.is(check(lost).result, "ok", "an unknown write may never have landed");
  const late = history(
    ["c1", "w", "1", 0, 1],
    ["c2", "w", "2", 2, undefined],
    ["c3", "r", "1", 50, 51],
    ["c3", "r", "2", 1000, 1001],
  );
  assert.is(check(late).result, "ok", "an unknown write may land long after its call");
  const flipFlop = history(
    ["c1", "w", "1", 0, 1],
    ["c2", "w", "2", 2, undefined],
    ["c3", "r", "2", 50, 51],
    ["c3", "r", "1", 60, 61],
  );
  assert.is(check(flipFlop).result, "violation", "once seen, an unknown write cannot be unseen");
  const refused = history(["c1", "w", "1", 0, 1], ["c2", "w", "2", 2, "error"], ["c3", "r", "2", 50, 51]);
  assert.is(check(refused).result, "violation", "a refused write must never be read");
  const before = history(["c3", "r", "2", 0, 1], ["c2", "w", "2", 2, undefined]);
  assert.is(check(before).result, "violation", "an unknown write cannot be read before it was called");
});

test("keys are checked apart: a violation names its key, other keys stay ok", () => {
  const r = check(
    history(
      ["c1", "w", "1", 0, 1, "a"],
      ["c1", "w", "1", 0, 1, "b"],
      ["c2", "r", "1", 2, 3, "a"],
      // on key b, the first read sees the write, the second its absence
      ["c2", "r", "1", 2, 3, "b"],
      ["c2", "r", null, 4, 5, "b"],
    ),
  );
  assert.is(r.result, "violation");
  assert.equal(
    r.keys.map((k) => [k.key, k.result]),
    [
      ["a", "ok"],
      ["b", "violation"],
    ],
  );
  // across keys nothing is compared: reading b's old value after a's new one is fine
  assert.is(check(history(["c1", "w", "1", 0, 1, "a"], ["c2", "r", null, 2, 3, "b"])).result, "ok");
});

test("a cas applies only from the value it expected", () => {
  const cas = (id: number, expect: Value, value: Value, call: number, ret: number): Op => ({
    id,
    client: `c${id}`,
    kind: "cas",
    key: "k",
    expect,
    value,
    call,
    ret,
    outcome: "ok",
  });
  const read = (id: number, value: Value, call: number, ret: number): Op => ({
    id,
    client: "r",
    kind: "read",
    key: "k",
    value,
    call,
    ret,
    outcome: "ok",
  });
  // two overlapping cas from the same value cannot both succeed
  assert.is(check({ ops: [cas(1, null, "a", 0, 5), cas(2, null, "b", 1, 6)] }).result, "violation");
  // chained, they can, in the one order that works
  assert.is(check({ ops: [cas(1, "a", "b", 0, 5), cas(2, null, "a", 1, 6), read(3, "b", 7, 8)] }).result, "ok");
});

test("a search past its step budget says unknown instead of running on", () => {
  // Many concurrent writes of distinct values and a read of none of them: every order fails.
  const rows: Row[] = [];
  for (let i = 0; i < 16; i++) rows.push([`c${i}`, "w", String(i), 0, 100]);
  rows.push(["r", "r", "never", 0, 100]);
  const r = checkHistory(history(...rows), registerModel(null), { maxSteps: 1000 });
  assert.is(r.result, "unknown");
  assert.ok(r.steps <= 1000);
});

test("a failed check is kept as a readable timeline marking the op that cannot be placed, and its history", () => {
  const h = history(
    ["c1", "w", "1", 0, 1],
    ["c1", "w", "2", 2, 3],
    ["c2", "r", "1", 4, 5],
    ["c3", "w", "3", 1, "error"],
  );
  const r = check(h);
  const paths = writeFailure(dir, "stale-read", h, r);
  const text = readFileSync(paths.timeline, "utf8");
  assert.match(text, /key "k": NOT linearizable/);
  assert.match(text, /cannot be placed: #3 c2 read → "1" \[4\.000, 5\.000\]/);
  const row = text.split("\n").find((l) => l.startsWith("  #3 "));
  assert.match(row ?? "", /read → "1"\s+ok\s+!! cannot be placed$/);
  assert.match(text.split("\n").find((l) => l.startsWith("  #2 ")) ?? "", /✓2$/);
  // the kept history checks the same again
  const again = parseHistory(JSON.parse(readFileSync(paths.history, "utf8")));
  assert.equal(again, h);
  assert.is(check(again).result, "violation");
  assert.ok(paths.timeline.startsWith(join(dir)));
});

test("a recorder times each call on one clock; a history from a file is validated", () => {
  let now = 0;
  const rec = new HistoryRecorder(() => now++);
  const w = rec.invoke("c1", "write", "k", "1");
  const r = rec.invoke("c2", "read", "k");
  w.ok();
  r.ok("1");
  rec.invoke("c3", "write", "k", "2").unknown();
  const h = rec.history();
  assert.equal(
    h.ops.map((o) => [o.id, o.call, o.ret, o.outcome, o.value]),
    [
      [1, 0, 2, "ok", "1"],
      [2, 1, 3, "ok", "1"],
      [3, 4, undefined, "unknown", "2"],
    ],
  );
  assert.is(check(h).result, "ok");
  assert.match(String(thrown(() => w.ok())), /ended twice/);
  assert.match(
    String(thrown(() => parseHistory({ ops: [{ ...h.ops[0], ret: -1 }] }))),
    /op at index 0: ret must be a number not before call/,
  );
  assert.match(String(thrown(() => parseHistory({ ops: [h.ops[2], h.ops[2]] }))), /duplicate id 3/);
});

test.run();
