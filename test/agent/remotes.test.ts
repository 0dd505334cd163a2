import { test } from "uvu";
import * as assert from "uvu/assert";
import { DEFAULT_OBSERVATION_WEIGHT, ERR_REMOTES_UNAVAILABLE, Remotes } from "../../src/agent/remotes.ts";

const a = { nodeId: "a", addr: "10.0.0.1:2377" };
const b = { nodeId: "b", addr: "10.0.0.2:2377" };
const c = { nodeId: "c", addr: "10.0.0.3:2377" };
const fixed = (x: number) => () => x;

test("new remotes start at half the default observation weight (smoothing from 0)", () => {
  const r = new Remotes([a]);
  assert.is(DEFAULT_OBSERVATION_WEIGHT, 10);
  assert.is(r.weightOf(a), 5);
});

test("observations smooth exponentially with ceil: w = ceil(0.5·w1 + 0.5·w0)", () => {
  const r = new Remotes();
  r.observe(a, 10);
  assert.is(r.weightOf(a), 5);
  r.observe(a, 10);
  assert.is(r.weightOf(a), 8); // ceil(7.5)
  r.observe(a, -10);
  assert.is(r.weightOf(a), -1);
  r.observe(a, -10);
  assert.is(r.weightOf(a), -5); // ceil(-5.5)
});

test("weights and observations clip at ±256", () => {
  const r = new Remotes();
  for (let i = 0; i < 20; i++) r.observe(a, 10_000);
  assert.is(r.weightOf(a), 256);
  for (let i = 0; i < 40; i++) r.observe(b, -10_000);
  // ceil pulls toward zero: -255 is the fixed point of ceil(0.5·-256 + 0.5·w0) from above.
  assert.is(r.weightOf(b), -255);
  r.observe(c, Number.NaN);
  assert.is(r.weightOf(c), 0);
});

test("observeIfExists leaves unknown peers out", () => {
  const r = new Remotes([a]);
  r.observeIfExists(b, 10);
  assert.is(r.weightOf(b), undefined);
  r.observeIfExists(a, 10);
  assert.is(r.weightOf(a), 8);
});

test("a peer is its node ID and address together", () => {
  const r = new Remotes([{ nodeId: "", addr: a.addr }]);
  r.observe(a, 10);
  assert.is(r.peers().length, 2);
  r.remove({ nodeId: "", addr: a.addr });
  assert.equal(r.peers(), [a]);
});

test("select walks the CDF of weights plus a 0.001 bias", () => {
  // weights a = 5, b = 10, so cdf = [5.001, 15.002]
  const pick = (x: number) => {
    const s = new Remotes([], fixed(x));
    s.observe(a, 10);
    s.observe(b, 20);
    return s.select().nodeId;
  };
  assert.is(pick(0), "a");
  assert.is(pick(5.001 / 15.002 - 1e-9), "a");
  assert.is(pick(5.001 / 15.002 + 1e-6), "b");
  assert.is(pick(0.999999), "b");
});

test("negative weights count as zero, so they are rarely but still possibly picked", () => {
  const s = new Remotes([], fixed(0.0001));
  s.observe(a, -100);
  s.observe(b, 10);
  assert.is(s.select().nodeId, "a"); // 0.0001 · 5.002 < 0.001
  const t = new Remotes([], fixed(0.5));
  t.observe(a, -100);
  t.observe(b, 10);
  assert.is(t.select().nodeId, "b");
});

test("all-zero weights are equally likely thanks to the bias", () => {
  const s = (x: number) => {
    const r = new Remotes([], fixed(x));
    r.observe(a, 0);
    r.observe(b, 0);
    return r.select().nodeId;
  };
  assert.is(s(0.25), "a");
  assert.is(s(0.75), "b");
});

test("select excludes by node ID or by address", () => {
  const r = new Remotes([a, b, c], fixed(0));
  assert.is(r.select("a").nodeId, "b");
  assert.is(r.select("a", b.addr).nodeId, "c");
});

test("selecting from nothing fails with 'no remote hosts provided'", () => {
  assert.throws(
    () => new Remotes().select(),
    (e: Error) => e.message === ERR_REMOTES_UNAVAILABLE,
  );
  assert.throws(() => new Remotes([a]).select("a"), /no remote hosts provided/);
});

test("a failing manager loses its share to the healthy one", () => {
  let seed = 42;
  const rng = () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed / 2 ** 31;
  };
  const r = new Remotes([a, b], rng);
  for (let i = 0; i < 5; i++) r.observe(a, -10);
  const counts = { a: 0, b: 0 };
  for (let i = 0; i < 1000; i++) counts[r.select().nodeId as "a" | "b"]++;
  assert.ok(counts.b > 990, `b picked ${counts.b} times`);
});

test.run();
