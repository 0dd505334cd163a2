import { test } from "uvu";
import * as assert from "uvu/assert";
import { rejection } from "../support/caught.ts";
import { waitFor } from "../support/wait-for.ts";
import { useAgentBench } from "./support/agent-bench.ts";
import type { FakeDispatcher } from "./support/fake-dispatcher.ts";

const bench = useAgentBench(test);
let m1: FakeDispatcher;

test.before.each(async () => {
  m1 = await bench.dispatcher("m1");
});

test("registers with the join address, becomes ready, then heartbeats its session at the returned period", async () => {
  const t = bench.agent([{ nodeId: "", addr: m1.addr }]);
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
  const t = bench.agent([{ nodeId: "", addr: m1.addr }]);
  await t.agent.ready;
  assert.equal(t.agent.managers(), [{ nodeId: "m1", addr: m1.addr }]);
  assert.equal(t.managerChanges, [[{ nodeId: "m1", addr: m1.addr }]]);
});

test("stop closes the session: no heartbeats after it, and the manager sees the stream go", async () => {
  const t = bench.agent([{ nodeId: "", addr: m1.addr }]);
  await t.agent.ready;
  await waitFor(() => m1.heartbeats.length >= 1, { timeoutMs: 5000, what: "a heartbeat" });
  await t.agent.stop();
  assert.is(t.agent.sessionId(), "");
  assert.is(t.snapshot().value, "stopped");
});

test("ready rejects with 'agent: closed' when stopped before it ever registered", async () => {
  m1.silent = true;
  const t = bench.agent([{ nodeId: "", addr: m1.addr }]);
  await waitFor(() => m1.sessions.length >= 1, { timeoutMs: 5000, what: "a session call" });
  await t.agent.stop();
  const e = await rejection(() => t.agent.ready, "ready resolved");
  assert.is((e as Error).message, "agent: closed");
});

test.run();
