import { copyFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { initBusTrust } from "../../src/bus/auth/trust-root.ts";
import { connectBus, serverUrl } from "../../src/bus/connection.ts";
import { type NatsServerHandle, startNatsServer } from "../../src/bus/nats-server.ts";
import { freePort } from "../../src/net/free-port.ts";
import { repoRoot } from "../../src/process/cli-command.ts";
import { onTeardown } from "../support/fixture.ts";
import { testCreds } from "../support/nats-server.ts";
import { useTempDir } from "../support/temp-dir.ts";
import { waitFor } from "../support/wait-for.ts";

/**
 * The shipped nats-cluster.conf, as its comments say to run it: the same file three times with
 * each server's values in the environment, beside a .state/bus trust root.
 */
const dir = useTempDir(test, "swarmbus-cluster-conf-");
const servers: NatsServerHandle[] = [];
onTeardown(test, () => Promise.all(servers.map((s) => s.stop())));

test("three servers from nats-cluster.conf form one cluster: a request on one reaches a subscriber on another", async () => {
  copyFileSync(join(repoRoot, "nats-cluster.conf"), join(dir, "nats-cluster.conf"));
  mkdirSync(join(dir, ".state"));
  const trust = await initBusTrust(join(dir, ".state", "bus"));
  const clients = [await freePort(), await freePort(), await freePort()];
  const routes = [await freePort(), await freePort(), await freePort()];
  const routeEnv = routes.map((p, i) => `SWARMBUS_NATS_ROUTE_${i + 1}=nats://127.0.0.1:${p}`);
  for (const [i, port] of clients.entries()) {
    const env = [
      `SWARMBUS_NATS_NAME=n${i + 1}`,
      `SWARMBUS_NATS_LISTEN=127.0.0.1:${port}`,
      `SWARMBUS_NATS_ROUTE_LISTEN=127.0.0.1:${routes[i]}`,
      ...routeEnv,
    ];
    servers.push(
      await startNatsServer({
        config: join(dir, "nats-cluster.conf"),
        trustDir: trust.dir,
        launcher: ["env", ...env],
      }),
    );
  }
  const creds = await testCreds({ trustDir: trust.dir }, "cluster-test", "unrestricted");
  const [a, c] = [servers[0], servers[2]];
  const sub = await connectBus({ url: a?.url ?? "", creds }, "on-n1");
  const req = await connectBus({ url: c?.url ?? "", creds }, "on-n3");
  try {
    assert.is(serverUrl(sub), a?.url);
    assert.is(serverUrl(req), c?.url);
    sub.subscribe("swarmbus.cluster-test", {
      callback: (_e, m) => {
        m.respond("pong");
      },
    });
    await sub.flush();
    // The subscription reaches n3 over the route a moment after n1 has it.
    const answer = await waitFor(
      async () => (await req.request("swarmbus.cluster-test", "ping", { timeout: 500 })).string(),
      { timeoutMs: 10_000, what: "an answer across the route" },
    );
    assert.is(answer, "pong");
  } finally {
    await sub.close();
    await req.close();
  }
});

test.run();
