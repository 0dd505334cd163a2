import { test } from "uvu";
import * as assert from "uvu/assert";
import { rpcError } from "../../src/rpc/status.ts";
import { waitFor } from "../support/wait-for.ts";
import { useAgentBench } from "./support/agent-bench.ts";

const bench = useAgentBench(test);

test("when its manager dies the agent backs off and reconnects to another manager from the list", async () => {
  const m1 = await bench.dispatcher("m1");
  const m2 = await bench.dispatcher("m2");
  const managers = [
    { nodeId: "m1", addr: m1.addr },
    { nodeId: "m2", addr: m2.addr },
  ];
  m1.managers = managers;
  m2.managers = managers;

  // Only the join address is known at first; m2 is learnt from the session.
  const t = bench.agent([{ nodeId: "", addr: m1.addr }]);
  await t.agent.ready;
  assert.equal(t.agent.managers(), managers);
  const first = t.agent.sessionId();

  m1.kill();
  const agent = t;
  await waitFor(() => m2.sessions.some((s) => s.given !== "") && agent.agent.sessionId() !== "", {
    timeoutMs: 10_000,
    what: "a session registered on m2",
  });
  // The failure was an Unavailable one, and it was backed off from.
  assert.ok(m2.sessions[0]?.presented === first, "the old session ID is presented to the new manager");
  assert.is(agent.registrations.length, 2);
  await waitFor(() => m2.heartbeats.length >= 2, { timeoutMs: 5000, what: "heartbeats to m2" });
  // The dead manager stays known (only SessionMessages prune the list), at a lower weight.
  assert.equal(agent.agent.managers(), managers);
});

test("a session ended with Aborted 'node must disconnect' is re-established", async () => {
  const m1 = await bench.dispatcher("m1");
  const t = bench.agent([{ nodeId: "m1", addr: m1.addr }]);
  await t.agent.ready;
  m1.endSessions(rpcError("Aborted", "node must disconnect"));
  const agent = t;
  await waitFor(() => agent.registrations.length === 2, { timeoutMs: 5000, what: "a second registration" });
  // The presented session was still registered, so the dispatcher kept it.
  assert.is(agent.registrations[1], agent.registrations[0]);
});

test("a node running a manager always opens its session to the local one (connectionbroker's local conn)", async () => {
  const m1 = await bench.dispatcher("m1");
  const m2 = await bench.dispatcher("m2");
  const managers = [
    { nodeId: "m1", addr: m1.addr },
    { nodeId: "m2", addr: m2.addr },
  ];
  m1.managers = managers;
  m2.managers = managers;
  const t = bench.agent(managers, { localManager: () => ({ nodeId: "m2", addr: m2.addr }) });
  await t.agent.ready;
  m2.endSessions(rpcError("Unavailable", "transport is closing"));
  const agent = t;
  await waitFor(() => agent.registrations.length === 2, { timeoutMs: 5000, what: "a second registration" });
  assert.is(m1.sessions.length, 0);
  assert.is(m2.sessions.length, 2);
});

test.run();
