import { test } from "uvu";
import * as assert from "uvu/assert";
import { waitFor } from "../support/wait-for.ts";
import { useAgentBench } from "./support/agent-bench.ts";

const bench = useAgentBench(test);

test("a SessionMessage without a session ID is refused with InvalidArgument; the agent retries, unharmed", async () => {
  const fake = await bench.dispatcher("m1");
  fake.sendEmptySessionId = true;
  const agent = bench.agent([{ nodeId: "m1", addr: fake.addr }]);
  const err = await waitFor(() => agent.snapshot().context.lastError, { timeoutMs: 5000, what: "the session to fail" });
  assert.equal(err, { code: 3, message: "session message without a session ID" });
  assert.is(agent.registrations.length, 0);
  assert.is(agent.messages.length, 0);

  fake.sendEmptySessionId = false;
  await agent.agent.ready;
  assert.is(agent.registrations.length, 1);
});

test.run();
