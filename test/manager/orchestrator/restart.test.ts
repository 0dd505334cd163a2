import { test } from "uvu";
import * as assert from "uvu/assert";
import { shouldRestart, startDue } from "../../../src/manager/orchestrator/restart.ts";
import { node, service, task } from "./support/objects.ts";

const timing = { restartDelayDefaultMs: 5000, restartOldTaskTimeoutMs: 60_000 };

test("restart condition: ANY restarts any end, ON_FAILURE all but COMPLETE, NONE nothing", () => {
  const cases = [
    ["ANY", "COMPLETE", true],
    ["ANY", "FAILED", true],
    ["ON_FAILURE", "COMPLETE", false],
    ["ON_FAILURE", "FAILED", true],
    ["ON_FAILURE", "REJECTED", true],
    ["NONE", "FAILED", false],
  ] as const;
  for (const [condition, state, expected] of cases) {
    const s = service("web", { restart: { condition } });
    const t = task("a", s, { slot: 1, state });
    assert.is(shouldRestart(t, [t]), expected, `${condition} after ${state}`);
  }
});

test("no restart policy in the spec means ANY (SwarmKit's default)", () => {
  const s = service("web");
  const t = task("a", s, { slot: 1, state: "COMPLETE" });
  assert.ok(shouldRestart(t, [t]));
});

test("MaxAttempts counts the restarts of the slot at this spec version", () => {
  const s = service("web", { restart: { maxAttempts: 2 } });
  const first = task("a", s, { slot: 1, state: "FAILED", createdMs: 1 });
  const r1 = task("b", s, { slot: 1, state: "FAILED", createdMs: 2 });
  const r2 = task("c", s, { slot: 1, state: "FAILED", createdMs: 3 });
  assert.ok(shouldRestart(r1, [first, r1]), "one restart so far");
  assert.not.ok(shouldRestart(r2, [first, r1, r2]), "two restarts: attempts used up");
  // A new spec version starts counting again.
  const s2 = service("web", { restart: { maxAttempts: 2 }, specVersion: 2 });
  const updated = task("d", s2, { slot: 1, state: "FAILED", createdMs: 4 });
  assert.ok(shouldRestart(updated, [first, r1, r2, updated]));
});

test("with a Window, only restarts within it count", () => {
  const s = service("web", { restart: { maxAttempts: 1, windowMs: 10_000 } });
  const first = task("a", s, { slot: 1, state: "FAILED", createdMs: 0 });
  const r1 = task("b", s, { slot: 1, state: "FAILED", createdMs: 1_000, atMs: 5_000 });
  assert.not.ok(shouldRestart(r1, [first, r1]), "the restart at 1 s is inside the 10 s before 5 s");
  const late = task("b", s, { slot: 1, state: "FAILED", createdMs: 1_000, atMs: 20_000 });
  assert.ok(shouldRestart(late, [first, late]), "at 20 s the restart at 1 s is out of the window");
});

test("a replacement starts after the spec's delay once the old task stopped", () => {
  const s = service("web", { restart: { delayMs: 2000 } });
  const old = task("a", s, { slot: 1, nodeId: "n1", state: "FAILED", desired: "SHUTDOWN", createdMs: 0 });
  const fresh = task("b", s, { slot: 1, state: "PENDING", desired: "READY", createdMs: 10_000 });
  const nodes = (id: string) => (id === "n1" ? node("n1") : undefined);
  assert.equal(startDue(fresh, [old, fresh], nodes, 11_999, timing), { start: false, wakeAtMs: 12_000 });
  assert.equal(startDue(fresh, [old, fresh], nodes, 12_000, timing), { start: true });
});

test("without a delay in the spec, the profile's default applies", () => {
  const s = service("web");
  const old = task("a", s, { slot: 1, nodeId: "n1", state: "FAILED", desired: "SHUTDOWN", createdMs: 0 });
  const fresh = task("b", s, { slot: 1, desired: "READY", state: "PENDING", createdMs: 1000 });
  const d = startDue(fresh, [old, fresh], () => node("n1"), 1000, { ...timing, restartDelayDefaultMs: 500 });
  assert.equal(d, { start: false, wakeAtMs: 1500 });
});

test("a replacement waits for a still running old task, until it stops, its node goes DOWN, or the timeout", () => {
  const s = service("web", { restart: { delayMs: 0 } });
  const old = task("a", s, { slot: 1, nodeId: "n1", state: "RUNNING", desired: "SHUTDOWN", createdMs: 0 });
  const fresh = task("b", s, { slot: 1, desired: "READY", state: "ASSIGNED", createdMs: 1000 });
  const up = () => node("n1");
  assert.equal(startDue(fresh, [old, fresh], up, 2000, timing), { start: false, wakeAtMs: 61_000 });
  assert.equal(startDue(fresh, [old, fresh], up, 61_000, timing), { start: true });
  assert.equal(
    startDue(fresh, [old, fresh], () => node("n1", { state: "DOWN" }), 2000, timing),
    { start: true },
  );
  assert.equal(
    startDue(fresh, [old, fresh], () => undefined, 2000, timing),
    { start: true },
  );
  const stopped = { ...old, status: { ...(old.status as NonNullable<typeof old.status>), state: "SHUTDOWN" as const } };
  assert.equal(startDue(fresh, [stopped, fresh], up, 2000, timing), { start: true });
});

test("a task moved off a drained node has no restart delay", () => {
  const s = service("web", { restart: { delayMs: 30_000 } });
  const old = task("a", s, { slot: 1, nodeId: "n1", state: "SHUTDOWN", desired: "SHUTDOWN", createdMs: 0 });
  const fresh = task("b", s, { slot: 1, desired: "READY", state: "PENDING", createdMs: 1000 });
  assert.equal(
    startDue(fresh, [old, fresh], () => node("n1", { availability: "DRAIN" }), 1000, timing),
    {
      start: true,
    },
  );
});

test.run();
