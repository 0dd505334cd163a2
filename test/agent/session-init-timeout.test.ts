import { test } from "uvu";
import * as assert from "uvu/assert";
import { waitFor } from "../support/wait-for.ts";
import { useAgentBench } from "./support/agent-bench.ts";

const bench = useAgentBench(test);

test("a manager that never sends the first message: 'session initiation timed out', then a retry registers", async () => {
  const fake = await bench.dispatcher("m1");
  fake.silent = true;
  const agent = bench.agent([{ nodeId: "m1", addr: fake.addr }]);
  const err = await waitFor(() => agent.snapshot().context.lastError, {
    timeoutMs: 5000,
    what: "the session to fail",
  });
  assert.equal(err, { code: 2, message: "session initiation timed out" });
  assert.is(agent.agent.sessionId(), "");
  assert.is(agent.registrations.length, 0);

  fake.silent = false;
  await agent.agent.ready;
  assert.ok(fake.sessions.length >= 2);
  assert.ok(fake.sessions.slice(0, -1).every((s) => s.given === ""));
  assert.is(agent.agent.sessionId(), fake.sessions.at(-1)?.given);
  assert.is(agent.snapshot().context.lastError, null);
});

test.run();
