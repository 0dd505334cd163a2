import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { loadAccountSigner } from "../../src/bus/auth/trust-root.ts";
import { issueUserCreds } from "../../src/bus/auth/user.ts";
import { nodeCredsPath, swarmDirOf } from "../../src/node/state-dir.ts";
import { waitFor } from "../support/wait-for.ts";
import { DaemonCluster } from "./support/daemon-cluster.ts";

/**
 * A swarm made by daemons that do not hold the swarm NATS account's signer (their
 * creds away from `bus init`'s directory, no --nats-account-signer): its managers
 * get no bus credentials of their own and traffic on their daemon's connection,
 * as before the bus had identities. Init, a manager join and the control API work.
 */
let c: DaemonCluster;
let creds = "";

test.before(async () => {
  c = await DaemonCluster.start();
  const dir = await c.stateDir();
  creds = join(dir, "daemon.creds");
  // An operator's own bus whose daemons' user may use every subject (no per-role permissions there).
  writeFileSync(creds, await issueUserCreds("daemons", loadAccountSigner(c.nats.trustDir)), { mode: 0o600 });
});
test.after(async () => {
  await c.stop();
});

test("without the signer, init and a manager join work on the daemons' connections; no swarm-node.creds", async () => {
  const m1 = await c.daemon("m1", undefined, undefined, creds);
  const init = await c.call("m1", "init", { listenAddr: "127.0.0.1:0" });
  assert.not.ok(existsSync(nodeCredsPath(swarmDirOf(m1))), "no manager credentials without a signer");
  const tokens = await c.call("m1", "join-token", { role: "manager" });
  const m2 = await c.daemon("m2", undefined, undefined, creds);
  await c.call("m2", "join", { token: tokens.token, remoteAddr: init.advertiseAddr, listenAddr: "127.0.0.1:0" });
  await waitFor(async () => (await c.call("m2", "info", {})).ControlAvailable, {
    timeoutMs: 20_000,
    what: "m2 a manager that serves the control API",
  });
  assert.not.ok(existsSync(nodeCredsPath(swarmDirOf(m2))));
  const nodes = await c.call("m2", "node.ls", {});
  assert.is(nodes.nodes.length, 2);
});

test.run();
