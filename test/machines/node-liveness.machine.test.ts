import { test } from "uvu";
import * as assert from "uvu/assert";
import { createActor, SimulatedClock } from "xstate";
import {
  HEARTBEAT_FAILURE,
  HEARTBEAT_FAILURE_UNKNOWN,
  type LivenessStatus,
  MOVED_TO_UNKNOWN,
  nodeLivenessMachine,
} from "../../machines/node-liveness.machine.ts";

interface Write {
  state: LivenessStatus;
  message: string;
}

function start() {
  const clock = new SimulatedClock();
  const writes: Write[] = [];
  let unregistered = 0;
  const machine = nodeLivenessMachine.provide({
    actions: {
      writeStatus: (_, params) => {
        writes.push(params);
      },
      unregister: () => {
        unregistered++;
      },
    },
  });
  const actor = createActor(machine, { clock, input: { nodeId: "n1" } });
  actor.start();
  return {
    actor,
    clock,
    writes,
    unregistered: () => unregistered,
    value: () => actor.getSnapshot().value,
  };
}

test("a new node starts UNKNOWN and untracked: no timer runs", () => {
  const t = start();
  assert.equal(t.value(), { unknown: "untracked" });
  t.clock.increment(1_000_000);
  assert.equal(t.value(), { unknown: "untracked" });
  assert.equal(t.writes, []);
});

test("registration makes the node ready, with the grace period from the event", () => {
  const t = start();
  t.actor.send({ type: "REGISTERED", graceMs: 15_000 });
  assert.is(t.value(), "ready");
  assert.is(t.actor.getSnapshot().context.graceMs, 15_000);
  t.clock.increment(14_999);
  assert.is(t.value(), "ready");
});

test("grace expiry marks the node DOWN with 'heartbeat failure' and drops its session", () => {
  const t = start();
  t.actor.send({ type: "REGISTERED", graceMs: 15_000 });
  t.clock.increment(15_000);
  assert.is(t.value(), "down");
  assert.equal(t.writes, [{ state: "DOWN", message: HEARTBEAT_FAILURE }]);
  assert.is(t.unregistered(), 1);
  assert.is(t.actor.getSnapshot().context.message, "heartbeat failure");
});

test("each heartbeat resets the grace timer, with the newly chosen period", () => {
  const t = start();
  t.actor.send({ type: "REGISTERED", graceMs: 15_000 });
  t.clock.increment(10_000);
  t.actor.send({ type: "HEARTBEAT", graceMs: 14_000 });
  t.clock.increment(10_000);
  assert.is(t.value(), "ready");
  t.actor.send({ type: "HEARTBEAT", graceMs: 16_000 });
  t.clock.increment(15_999);
  assert.is(t.value(), "ready");
  t.clock.increment(1);
  assert.is(t.value(), "down");
});

test("re-registration while ready restarts the timer", () => {
  const t = start();
  t.actor.send({ type: "REGISTERED", graceMs: 15_000 });
  t.clock.increment(14_000);
  t.actor.send({ type: "REGISTERED", graceMs: 15_000 });
  t.clock.increment(14_000);
  assert.is(t.value(), "ready");
  assert.equal(t.writes, []);
});

test("a heartbeat from a node that is not ready changes nothing", () => {
  const t = start();
  t.actor.send({ type: "HEARTBEAT", graceMs: 15_000 });
  assert.equal(t.value(), { unknown: "untracked" });
  t.actor.send({ type: "REGISTERED", graceMs: 15_000 });
  t.clock.increment(15_000);
  t.actor.send({ type: "HEARTBEAT", graceMs: 15_000 });
  assert.is(t.value(), "down");
});

test("a down node that registers again is ready", () => {
  const t = start();
  t.actor.send({ type: "REGISTERED", graceMs: 15_000 });
  t.clock.increment(15_000);
  t.actor.send({ type: "REGISTERED", graceMs: 15_000 });
  assert.is(t.value(), "ready");
  assert.is(t.actor.getSnapshot().context.message, "");
});

test("leadership change moves a ready node to UNKNOWN with grace × 6, then DOWN for the unknown state", () => {
  const t = start();
  t.actor.send({ type: "REGISTERED", graceMs: 15_000 });
  t.actor.send({ type: "LEADERSHIP_CHANGED", graceMs: 30_000, wasDown: false });
  assert.equal(t.value(), { unknown: "awaitingRegistration" });
  assert.equal(t.writes, [{ state: "UNKNOWN", message: MOVED_TO_UNKNOWN }]);
  t.clock.increment(29_999);
  assert.equal(t.value(), { unknown: "awaitingRegistration" });
  t.clock.increment(1);
  assert.is(t.value(), "down");
  assert.equal(t.writes[1], { state: "DOWN", message: HEARTBEAT_FAILURE_UNKNOWN });
  assert.is(t.unregistered(), 1);
});

test("leadership change on an untracked node arms the unknown timer; registering in time makes it ready", () => {
  const t = start();
  t.actor.send({ type: "LEADERSHIP_CHANGED", graceMs: 30_000, wasDown: false });
  assert.equal(t.value(), { unknown: "awaitingRegistration" });
  t.clock.increment(20_000);
  t.actor.send({ type: "REGISTERED", graceMs: 15_000 });
  assert.is(t.value(), "ready");
  t.clock.increment(14_999);
  assert.is(t.value(), "ready");
  assert.equal(t.writes, [{ state: "UNKNOWN", message: MOVED_TO_UNKNOWN }]);
});

test("a second leadership change while unknown restarts the unknown timer", () => {
  const t = start();
  t.actor.send({ type: "LEADERSHIP_CHANGED", graceMs: 30_000, wasDown: false });
  t.clock.increment(20_000);
  t.actor.send({ type: "LEADERSHIP_CHANGED", graceMs: 30_000, wasDown: false });
  t.clock.increment(20_000);
  assert.equal(t.value(), { unknown: "awaitingRegistration" });
});

test("a node already DOWN stays down on a leadership change, without a write", () => {
  const t = start();
  t.actor.send({ type: "LEADERSHIP_CHANGED", graceMs: 30_000, wasDown: true });
  assert.is(t.value(), "down");
  assert.equal(t.writes, []);
  t.clock.increment(1_000_000);
  assert.is(t.value(), "down");
});

test("a leadership change that finds the node DOWN in the store moves an unknown actor to down, without a write", () => {
  const t = start();
  t.actor.send({ type: "LEADERSHIP_CHANGED", graceMs: 30_000, wasDown: false });
  t.actor.send({ type: "LEADERSHIP_CHANGED", graceMs: 30_000, wasDown: true });
  assert.is(t.value(), "down");
  assert.is(t.writes.length, 1);
  t.clock.increment(1_000_000);
  assert.is(t.writes.length, 1);
});

test("a down actor ignores leadership changes", () => {
  const t = start();
  t.actor.send({ type: "REGISTERED", graceMs: 15_000 });
  t.clock.increment(15_000);
  t.actor.send({ type: "LEADERSHIP_CHANGED", graceMs: 30_000, wasDown: false });
  assert.is(t.value(), "down");
  assert.is(t.writes.length, 1);
});

for (const [name, prepare] of [
  ["untracked", (_t: ReturnType<typeof start>) => {}],
  [
    "unknown",
    (t: ReturnType<typeof start>) => t.actor.send({ type: "LEADERSHIP_CHANGED", graceMs: 1, wasDown: false }),
  ],
  ["ready", (t: ReturnType<typeof start>) => t.actor.send({ type: "REGISTERED", graceMs: 1 })],
  [
    "down",
    (t: ReturnType<typeof start>) => {
      t.actor.send({ type: "REGISTERED", graceMs: 1 });
      t.clock.increment(1);
    },
  ],
] as const) {
  test(`a removed node is final (from ${name}), and no timer fires after`, () => {
    const t = start();
    prepare(t);
    const writesBefore = t.writes.length;
    t.actor.send({ type: "REMOVED" });
    assert.is(t.value(), "removed");
    assert.is(t.actor.getSnapshot().status, "done");
    t.clock.increment(1_000_000);
    assert.is(t.writes.length, writesBefore);
  });
}

test.run();
