import { test } from "uvu";
import * as assert from "uvu/assert";
import { createActor, SimulatedClock } from "xstate";
import { controlLoopMachine } from "../../machines/control-loop.machine.ts";

function start() {
  const clock = new SimulatedClock();
  let passes = 0;
  const machine = controlLoopMachine.provide({
    actions: { runPass: () => void passes++ },
    delays: { debounce: 50, maxLatency: 1000 },
  });
  const actor = createActor(machine, { clock });
  actor.start();
  return {
    actor,
    clock,
    passes: () => passes,
    value: () => actor.getSnapshot().value,
    context: () => actor.getSnapshot().context,
  };
}

test("a change runs one pass after the quiet gap, not before", () => {
  const t = start();
  assert.is(t.value(), "idle");
  t.actor.send({ type: "CHANGED" });
  assert.equal(t.value(), { pending: "quiet" });
  t.clock.increment(49);
  assert.is(t.passes(), 0);
  t.clock.increment(1);
  assert.is(t.value(), "running");
  assert.is(t.passes(), 1);
  t.actor.send({ type: "PASS_DONE", changes: 3 });
  assert.is(t.value(), "idle");
  assert.equal(t.context(), { runs: 1, lastBatch: 3, lastError: "", again: false });
});

test("changes in a burst make one pass: each restarts the gap", () => {
  const t = start();
  for (let i = 0; i < 10; i++) {
    t.actor.send({ type: "CHANGED" });
    t.clock.increment(40);
  }
  assert.is(t.passes(), 0);
  t.clock.increment(10);
  assert.is(t.passes(), 1);
});

test("a steady stream of changes still runs a pass once maxLatency passed since the first", () => {
  const t = start();
  t.actor.send({ type: "CHANGED" });
  for (let elapsed = 0; elapsed < 990; elapsed += 30) {
    t.clock.increment(30);
    t.actor.send({ type: "CHANGED" });
  }
  assert.is(t.passes(), 0);
  t.clock.increment(30);
  assert.is(t.passes(), 1);
  assert.is(t.value(), "running");
});

test("a change during a pass runs another pass after it; without one the loop rests", () => {
  const t = start();
  t.actor.send({ type: "CHANGED" });
  t.clock.increment(50);
  t.actor.send({ type: "CHANGED" });
  t.actor.send({ type: "PASS_DONE", changes: 1 });
  assert.equal(t.value(), { pending: "quiet" });
  t.clock.increment(50);
  assert.is(t.passes(), 2);
  t.actor.send({ type: "PASS_DONE", changes: 0 });
  assert.is(t.value(), "idle");
  t.clock.increment(10_000);
  assert.is(t.passes(), 2);
  assert.is(t.context().runs, 2);
  assert.is(t.context().lastBatch, 0);
});

test("a failed pass is visible in the context until a pass succeeds", () => {
  const t = start();
  t.actor.send({ type: "CHANGED" });
  t.clock.increment(50);
  t.actor.send({ type: "PASS_FAILED", error: "The raft node lost leadership" });
  assert.is(t.value(), "idle");
  assert.is(t.context().lastError, "The raft node lost leadership");
  t.actor.send({ type: "CHANGED" });
  t.clock.increment(50);
  t.actor.send({ type: "PASS_DONE", changes: 2 });
  assert.is(t.context().lastError, "");
  assert.is(t.context().lastBatch, 2);
});

test.run();
