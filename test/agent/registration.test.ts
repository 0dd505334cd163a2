import { test } from "uvu";
import * as assert from "uvu/assert";
import { waitFor } from "../support/wait-for.ts";
import { type FakeDispatcher, startFakeDispatcher } from "./support/fake-dispatcher.ts";
import { startTestAgent } from "./support/test-agent.ts";

let m1: FakeDispatcher;
let t: ReturnType<typeof startTestAgent> | undefined;

test.before.each(async () => {
  m1 = await startFakeDispatcher({ nodeId: "m1", heartbeatPeriodMs: 30 });
});
test.after.each(async () => {
  await t?.agent.stop();
  t = undefined;
  await m1.stop();
});

test("registers with the join address, becomes ready, then heartbeats its session at the returned period", async () => {
  t = startTestAgent([{ nodeId: "", addr: m1.addr }]);
  await t.agent.ready;
  const sessionId = t.agent.sessionId();
  assert.is(m1.sessions.length, 1);
  assert.equal(m1.sessions[0], { nodeId: "w1", presented: "", given: sessionId });
  assert.equal(t.registrations, [sessionId]);
  assert.is(t.messages[0]?.session_id, sessionId);
  // A 30 ms period: many heartbeats, all of the one session, with no re-registration.
  await waitFor(() => m1.heartbeats.length >= 5, { timeoutMs: 5000, what: "five heartbeats" });
  assert.ok(m1.heartbeats.every((h) => h === sessionId));
  assert.is(m1.sessions.length, 1);
  // Between heartbeats or in one: either way still registered on the same session.
  const value = t.snapshot().value as { connecting?: { registered?: unknown } };
  assert.ok(value.connecting?.registered, "still registered");
  assert.is(t.agent.sessionId(), sessionId);
});

test("the managers of the SessionMessage replace the join address (state.json)", async () => {
  t = startTestAgent([{ nodeId: "", addr: m1.addr }]);
  await t.agent.ready;
  assert.equal(t.agent.managers(), [{ nodeId: "m1", addr: m1.addr }]);
  assert.equal(t.managerChanges, [[{ nodeId: "m1", addr: m1.addr }]]);
});

test("stop closes the session: no heartbeats after it, and the manager sees the stream go", async () => {
  t = startTestAgent([{ nodeId: "", addr: m1.addr }]);
  await t.agent.ready;
  await waitFor(() => m1.heartbeats.length >= 1, { timeoutMs: 5000, what: "a heartbeat" });
  await t.agent.stop();
  assert.is(t.agent.sessionId(), "");
  assert.is(t.snapshot().value, "stopped");
});

test("ready rejects with 'agent: closed' when stopped before it ever registered", async () => {
  m1.silent = true;
  t = startTestAgent([{ nodeId: "", addr: m1.addr }]);
  await waitFor(() => m1.sessions.length >= 1, { timeoutMs: 5000, what: "a session call" });
  await t.agent.stop();
  try {
    await t.agent.ready;
    assert.unreachable("ready resolved");
  } catch (e) {
    assert.is((e as Error).message, "agent: closed");
  }
});

test.run();
