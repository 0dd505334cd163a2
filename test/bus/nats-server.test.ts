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

test("a server started without TLS (to measure what it costs) is reached in clear through its handle", async () => {
  const server = await startNatsServer({ clientTls: false });
  try {
    assert.is(server.ca, undefined, "no bus CA: a client given one would insist on TLS");
    const nc = await connectBus(
      { ...server, creds: await testCreds(server, "clear-test", "unrestricted") },
      "clear-test",
    );
    try {
      assert.not.ok(nc.info?.tls_required, "the server asks for no TLS");
      const sub = nc.subscribe("echo");
      void (async () => {
        for await (const m of sub) m.respond(`re:${m.string()}`);
      })();
      assert.is((await nc.request("echo", "hi", { timeout: 2000 })).string(), "re:hi");
    } finally {
      await nc.close();
    }
  } finally {
    await server.stop();
  }
});

test.run();
