import { test } from "uvu";
import * as assert from "uvu/assert";
import { connectBus } from "../../src/bus/connection.ts";
import { startNatsServer } from "../../src/bus/nats-server.ts";
import { testCreds } from "../support/nats-server.ts";

test("starts a real nats-server on a free port that answers requests", async () => {
  const server = await startNatsServer();
  const nc = await connectBus({ ...server, creds: await testCreds(server, "echo-test", "unrestricted") }, "echo-test");
  try {
    const sub = nc.subscribe("echo");
    void (async () => {
      for await (const m of sub) m.respond(`re:${m.string()}`);
    })();
    const reply = await nc.request("echo", "hi", { timeout: 2000 });
    assert.is(reply.string(), "re:hi");
  } finally {
    await nc.close();
    await server.stop();
  }
});

test.run();
