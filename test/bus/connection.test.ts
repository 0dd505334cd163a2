import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { inboxPrefixOf } from "../../src/bus/auth/permissions.ts";
import { initBusTrust } from "../../src/bus/auth/trust-root.ts";
import { connectBus } from "../../src/bus/connection.ts";
import { callDaemon } from "../../src/bus/daemon-client.ts";
import { serveDaemonApi } from "../../src/bus/daemon-server.ts";
import { startNatsServer } from "../../src/bus/nats-server.ts";
import { isRpcError } from "../../src/rpc/status.ts";
import { rejection } from "../support/caught.ts";
import { memoryLog } from "../support/memory-log.ts";
import { tempDir } from "../support/temp-dir.ts";
import { waitFor } from "../support/wait-for.ts";

test("no server at the URL → Unavailable naming the URL and the reason", async () => {
  const e = await rejection(() => connectBus({ url: "nats://127.0.0.1:1" }, "lonely"));
  assert.ok(isRpcError(e, "Unavailable"), String(e));
  assert.ok((e as { plain: boolean }).plain);
  assert.match((e as Error).message, /^cannot reach the NATS server at nats:\/\/127\.0\.0\.1:1: connection refused/);
});

test("a daemon's connection survives a nats-server restart and serves again", async () => {
  // The restarted server keeps the trust root, as a real one keeps its config: the daemon's credentials still hold.
  const trust = tempDir("swarmbus-restart-");
  const { dir: trustDir } = await initBusTrust(join(trust.path, "bus"));
  let server = await startNatsServer({ trustDir });
  const port = Number(new URL(server.url).port);
  const daemonNc = await connectBus({ url: server.url, creds: await server.credsForNode("m1") }, "daemon-m1", {
    inboxPrefix: inboxPrefixOf({ role: "daemon", name: "m1" }),
  });
  const api = serveDaemonApi(
    daemonNc,
    "m1",
    { "join-token": async (req) => ({ role: req.role, token: "T", advertiseAddr: "127.0.0.1:2377" }) },
    { log: memoryLog() },
  );
  await daemonNc.flush();
  let reconnected = false;
  void (async () => {
    for await (const s of daemonNc.status()) if (s.type === "reconnect") reconnected = true;
  })();
  try {
    await server.stop();
    server = await startNatsServer({ port, trustDir });
    await waitFor(() => reconnected, { timeoutMs: 10_000, what: "the daemon to reconnect" });
    const cli = await connectBus(server, "cli");
    try {
      await daemonNc.flush();
      const r = await callDaemon(cli, "m1", "join-token", { role: "worker" }, { timeoutMs: 5000 });
      assert.is(r.token, "T");
    } finally {
      await cli.close();
    }
  } finally {
    await api.stop();
    await daemonNc.close();
    await server.stop();
    trust.remove();
  }
});

test.run();
