import { test } from "uvu";
import * as assert from "uvu/assert";
import { rpcError } from "../../src/rpc/status.ts";
import { waitFor } from "../support/wait-for.ts";
import { useAgentBench } from "./support/agent-bench.ts";

const bench = useAgentBench(test);

test("a node removed from the swarm reads as 'rejected' with Swarm's PermissionDenied, and keeps retrying", async () => {
  const fake = await bench.dispatcher("m1");
  fake.refuseWith = rpcError("PermissionDenied", "Permission denied: node w1 was removed from swarm");
  const agent = bench.agent([{ nodeId: "m1", addr: fake.addr }]);
  await waitFor(() => agent.snapshot().value === "rejected", { timeoutMs: 5000, what: "the rejected state" });
  assert.equal(agent.snapshot().context.lastError, {
    code: 7,
    message: "Permission denied: node w1 was removed from swarm",
  });
  await waitFor(() => fake.sessions.length >= 3, { timeoutMs: 5000, what: "more attempts" });
  assert.is(agent.registrations.length, 0);
});

test("a manager without the Assignments stream (Unimplemented) is tolerated", async () => {
  const fake = await bench.dispatcher("m1", { assignmentsUnimplemented: true });
  const agent = bench.agent([{ nodeId: "m1", addr: fake.addr }]);
  await agent.agent.ready;
  await waitFor(() => fake.heartbeats.length >= 5, { timeoutMs: 5000, what: "five heartbeats" });
  assert.is(fake.sessions.length, 1);
  assert.is(agent.registrations.length, 1);
});

test.run();
