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

test("a manager that never sends the first message: 'session initiation timed out', then a retry registers", async () => {
  m1 = await startFakeDispatcher({ nodeId: "m1", heartbeatPeriodMs: 30 });
  const fake = m1;
  fake.silent = true;
  const agent = startTestAgent([{ nodeId: "m1", addr: fake.addr }]);
  t = agent;
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
