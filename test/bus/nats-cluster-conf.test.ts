import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { initBusTrust } from "../../src/bus/auth/trust-root.ts";
import { connectBus, serverUrl } from "../../src/bus/connection.ts";
import { onTeardown } from "../support/fixture.ts";
import { testCreds } from "../support/nats-server.ts";
import { useTempDir } from "../support/temp-dir.ts";
import { waitFor } from "../support/wait-for.ts";
import { startShippedCluster } from "./support/local-cluster.ts";

/**
 * The shipped nats-cluster.conf, as its comments say to run it: the same file three times with
 * each server's values in the environment, beside a .state/bus trust root. Its routes are mutual
 * TLS with the bus CA, so this also shows the server certificate serves as a route's client
 * certificate (nats-cluster-routes.test.ts: what the route port refuses).
 */
const dir = useTempDir(test, "swarmbus-cluster-conf-");

test("three servers from nats-cluster.conf form one cluster: a request on one reaches a subscriber on another", async () => {
  mkdirSync(join(dir, ".state"));
  const trust = await initBusTrust(join(dir, ".state", "bus"));
  const { servers } = await startShippedCluster(dir, trust.dir, (stop) => onTeardown(test, stop));
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
