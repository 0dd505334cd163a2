import { test } from "uvu";
import * as assert from "uvu/assert";
import { waitFor } from "../support/wait-for.ts";
import { useAgentBench } from "./support/agent-bench.ts";

const bench = useAgentBench(test);

test("a NotFound heartbeat ('node not registered') makes the agent re-register and adopt a new session ID", async () => {
  const fake = await bench.dispatcher("m1");
  const t = bench.agent([{ nodeId: "", addr: fake.addr }]);
  await t.agent.ready;
  const first = t.agent.sessionId();
  await waitFor(() => fake.heartbeats.length >= 2, { timeoutMs: 5000, what: "two heartbeats" });

  fake.forget("w1"); // as the dispatcher does when the heartbeat grace expires
  await waitFor(() => t?.registrations.length === 2 && t.registrations, {
    timeoutMs: 5000,
    what: "a second registration",
  });
  const second = t.agent.sessionId();
  assert.is.not(second, first);
  assert.equal(t.registrations, [first, second]);
  // The new Session call presented the old session ID, as Swarm's agent does.
  assert.equal(fake.sessions[1], { nodeId: "w1", presented: first, given: second });
  await waitFor(() => fake.heartbeats.at(-1) === second, { timeoutMs: 5000, what: "a heartbeat of the new session" });
});

test.run();
