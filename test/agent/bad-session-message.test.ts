import { test } from "uvu";
import * as assert from "uvu/assert";
import { waitFor } from "../support/wait-for.ts";
import { type FakeDispatcher, startFakeDispatcher } from "./support/fake-dispatcher.ts";
import { startTestAgent } from "./support/test-agent.ts";

let m1: FakeDispatcher | undefined;
let t: ReturnType<typeof startTestAgent> | undefined;

test.after.each(async () => {
  await t?.agent.stop();
  await m1?.stop();
});

test("a SessionMessage without a session ID is refused with InvalidArgument; the agent retries, unharmed", async () => {
  m1 = await startFakeDispatcher({ nodeId: "m1", heartbeatPeriodMs: 30 });
  const fake = m1;
  fake.sendEmptySessionId = true;
  const agent = startTestAgent([{ nodeId: "m1", addr: fake.addr }]);
  t = agent;
  const err = await waitFor(() => agent.snapshot().context.lastError, { timeoutMs: 5000, what: "the session to fail" });
  assert.equal(err, { code: 3, message: "session message without a session ID" });
  assert.is(agent.registrations.length, 0);
  assert.is(agent.messages.length, 0);

  fake.sendEmptySessionId = false;
  await agent.agent.ready;
  assert.is(agent.registrations.length, 1);
});

test.run();
