import { test } from "uvu";
import * as assert from "uvu/assert";
import { rpcError } from "../../src/rpc/status.ts";
import { waitFor } from "../support/wait-for.ts";
import { type FakeDispatcher, startFakeDispatcher } from "./support/fake-dispatcher.ts";
import { startTestAgent } from "./support/test-agent.ts";

let m1: FakeDispatcher | undefined;
let t: ReturnType<typeof startTestAgent> | undefined;

test.after.each(async () => {
  await t?.agent.stop();
  await m1?.stop();
});

test("a node removed from the swarm reads as 'rejected' with Swarm's PermissionDenied, and keeps retrying", async () => {
  m1 = await startFakeDispatcher({ nodeId: "m1", heartbeatPeriodMs: 30 });
  const fake = m1;
  fake.refuseWith = rpcError("PermissionDenied", "Permission denied: node w1 was removed from swarm");
  const agent = startTestAgent([{ nodeId: "m1", addr: fake.addr }]);
  t = agent;
  await waitFor(() => agent.snapshot().value === "rejected", { timeoutMs: 5000, what: "the rejected state" });
  assert.equal(agent.snapshot().context.lastError, {
    code: 7,
    message: "Permission denied: node w1 was removed from swarm",
  });
  await waitFor(() => fake.sessions.length >= 3, { timeoutMs: 5000, what: "more attempts" });
  assert.is(agent.registrations.length, 0);
});

test("a manager without the Assignments stream (Unimplemented) is tolerated", async () => {
  m1 = await startFakeDispatcher({ nodeId: "m1", heartbeatPeriodMs: 30, assignmentsUnimplemented: true });
  const fake = m1;
  const agent = startTestAgent([{ nodeId: "m1", addr: fake.addr }]);
  t = agent;
  await agent.agent.ready;
  await waitFor(() => fake.heartbeats.length >= 5, { timeoutMs: 5000, what: "five heartbeats" });
  assert.is(fake.sessions.length, 1);
  assert.is(agent.registrations.length, 1);
});

test.run();
