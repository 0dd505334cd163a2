import { test } from "uvu";
import * as assert from "uvu/assert";
import { createActor } from "xstate";
import { clusterStateMachine } from "../../machines/cluster-state.machine.ts";

const visited = new Set<string>();

function start() {
  const actor = createActor(clusterStateMachine);
  actor.subscribe((s) => visited.add(String(s.value)));
  actor.start();
  return { actor, value: () => String(actor.getSnapshot().value), error: () => actor.getSnapshot().context.error };
}

test("no node: inactive with no error", () => {
  const s = start();
  assert.is(s.value(), "inactive");
  assert.is(s.error(), "");
});

test("a running node that is not ready is pending; ready makes it active", () => {
  const s = start();
  s.actor.send({ type: "NODE_STARTED", error: null });
  assert.is(s.value(), "pending");
  s.actor.send({ type: "NODE_READY" });
  assert.is(s.value(), "active");
});

test("an exit with an error shows error and its text; no node again is inactive", () => {
  const s = start();
  s.actor.send({ type: "NODE_STARTED", error: null });
  s.actor.send({ type: "NODE_EXITED", error: "A valid join token is necessary to join this cluster" });
  assert.is(s.value(), "error");
  assert.is(s.error(), "A valid join token is necessary to join this cluster");
  s.actor.send({ type: "NODE_REMOVED" });
  assert.is(s.value(), "inactive");
  assert.is(s.error(), "");
});

test("a pending restart is error even with no error text; the restarted run keeps the error until ready", () => {
  const s = start();
  s.actor.send({ type: "NODE_STARTED", error: null });
  s.actor.send({ type: "NODE_READY" });
  s.actor.send({ type: "NODE_EXITED", error: null });
  assert.is(s.value(), "active", "ready stays closed after an exit without error");
  s.actor.send({ type: "RECONNECT_SCHEDULED", delayMs: 200 });
  assert.is(s.value(), "error");
  assert.is(s.error(), "");
  s.actor.send({ type: "NODE_STARTED", error: null });
  assert.is(s.value(), "pending");

  s.actor.send({ type: "NODE_EXITED", error: "manager stopped: boom" });
  s.actor.send({ type: "RECONNECT_SCHEDULED", delayMs: 400 });
  s.actor.send({ type: "NODE_STARTED", error: "manager stopped: boom" });
  assert.is(s.value(), "error");
  assert.is(s.error(), "manager stopped: boom");
  s.actor.send({ type: "NODE_READY" });
  assert.is(s.value(), "active");
  assert.is(s.error(), "");
});

test("a locked swarm reads locked", () => {
  const s = start();
  s.actor.send({ type: "NODE_STARTED", error: null });
  s.actor.send({ type: "NODE_EXITED", error: "node is locked, and needs a valid unlock key", locked: true });
  assert.is(s.value(), "locked");
  s.actor.send({ type: "NODE_REMOVED" });
  assert.is(s.value(), "inactive");
});

test("every state was reached", () => {
  for (const v of ["inactive", "pending", "active", "error", "locked"]) assert.ok(visited.has(v), v);
});

test.run();
