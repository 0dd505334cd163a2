import { X509Certificate } from "node:crypto";
import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { decode } from "@nats-io/jwt";
import { errors, type NatsConnection, type Status } from "@nats-io/transport-node";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { inboxPrefixOf } from "../../src/bus/auth/permissions.ts";
import { connectBus } from "../../src/bus/connection.ts";
import type { SwarmInfo } from "../../src/bus/daemon-contract.ts";
import { subjects } from "../../src/bus/subjects.ts";
import { freePort } from "../../src/net/free-port.ts";
import { nodeCredsPath, swarmDirOf } from "../../src/node/state-dir.ts";
import { useSwarm } from "../support/swarm.ts";
import { collector, waitFor } from "../support/wait-for.ts";

/**
 * Issue 11 §2, the managers' half: a manager's bus credentials come from the
 * swarm's CA with its certificate (swarm init, promotion, renewal), are kept in
 * certificates/swarm-node.creds (0600), name the node and its cluster, and are
 * what nats-server holds its traffic to; a demotion takes them away.
 */
const swarm = useSwarm(test);
let clusterId = "";
let managerId = "";
let token = "";
let addr = "";

const credsOf = (node: string) => nodeCredsPath(swarmDirOf(join(swarm.dir, node)));

interface UserClaims {
  pub?: { allow?: string[] };
  sub?: { allow?: string[] };
}

test.before(async () => {
  ({ token, addr } = await swarm.initManager("m1", await freePort()));
  const info = await swarm.json<SwarmInfo>("m1", "info", "--format", "json");
  clusterId = info.Cluster?.ID ?? "";
  managerId = info.NodeID ?? "";
});

test("swarm init leaves the manager its own bus credentials, 0600, for its node ID and cluster", () => {
  assert.ok(clusterId && managerId, "the swarm's IDs are known");
  const path = credsOf("m1");
  assert.ok(existsSync(path), `${path} exists`);
  assert.is((statSync(path).mode & 0o777).toString(8), "600");
  const jwt = /-----BEGIN NATS USER JWT-----\n(.+)\n/.exec(readFileSync(path, "utf8"))?.[1] ?? "";
  const claims = decode<UserClaims>(jwt);
  assert.is(claims.name, `manager-${managerId}`);
  const cluster = `${subjects().prefix}.cluster.${clusterId}`;
  assert.ok(claims.nats.pub?.allow?.includes(`${cluster}.raft.*.${managerId}`), JSON.stringify(claims.nats.pub));
  assert.ok(claims.nats.sub?.allow?.includes(`${cluster}.raft.*.*`), JSON.stringify(claims.nats.sub));
  assert.ok(claims.nats.sub?.allow?.includes(`${inboxPrefixOf({ role: "manager", nodeId: managerId, clusterId })}.>`));
  // It expires with the certificate it came with (a demoted node's old one stops working as its certificate would).
  const cert = new X509Certificate(
    readFileSync(join(swarmDirOf(join(swarm.dir, "m1")), "certificates", "swarm-node.crt")),
  );
  assert.is(claims.exp, Math.floor(Date.parse(cert.validTo) / 1000));
});

test("the server holds those credentials to the node: no raft message as another sender, no other cluster's subjects", async () => {
  const cluster = `${subjects().prefix}.cluster.${clusterId}`;
  const asM1 = (name: string): Promise<NatsConnection> =>
    connectBus({ url: swarm.nats.url, creds: credsOf("m1"), ca: swarm.nats.handle.ca }, name, {
      inboxPrefix: inboxPrefixOf({ role: "manager", nodeId: managerId, clusterId }),
    });
  // A manager may read every raft message of its cluster (to Raft ID 424242: no member's).
  const watcher = await asM1("m1-watcher");
  const seen = collector<string>();
  watcher.subscribe(`${cluster}.raft.424242.*`, { callback: (_e, m) => seen.push(m.subject) });
  await watcher.flush();
  const manager = await asM1("m1-copy");
  try {
    const statuses = collector<Status>();
    void (async () => {
      for await (const s of manager.status()) statuses.push(s);
    })();
    const forged = `${cluster}.raft.424242.someoneelse0000000000000`;
    manager.publish(forged);
    manager.publish(`${cluster}.raft.424242.${managerId}`);
    await manager.flush();
    const denied = await statuses.waitFor((s) => s.type === "error", { timeoutMs: 5_000, what: "a publish error" });
    assert.ok(denied.type === "error" && denied.error instanceof errors.PermissionViolationError, String(denied));
    assert.match(denied.type === "error" ? denied.error.message : "", /Permissions Violation for Publish to/);
    await seen.waitFor((s) => s.endsWith(`.${managerId}`), {
      timeoutMs: 5_000,
      what: "the manager's own raft message",
    });
    assert.not.ok(seen.items.includes(forged), "the forged raft message reached a subscriber");

    const other = manager.subscribe(`${subjects().prefix}.cluster.othercluster000000000000.raft.>`);
    const closed = await other.closed;
    assert.ok(closed instanceof errors.PermissionViolationError, String(closed));
    assert.match(closed.message, /Permissions Violation for Subscription to/);
  } finally {
    await watcher.close();
    await manager.close();
  }
  // The real manager serves on.
  const ls = await swarm.cli("m1", "node", "ls");
  assert.is(ls.code, 0, ls.stderr);
});

test("a promoted worker gets manager credentials and serves the control API with them; a demotion removes them", async () => {
  await swarm.joinWorker("w1", token, addr);
  assert.not.ok(existsSync(credsOf("w1")), "a worker holds no manager credentials");
  const promote = await swarm.write("m1", "node", "promote", "w1");
  assert.is(promote.code, 0, promote.stderr);
  await waitFor(() => existsSync(credsOf("w1")), { timeoutMs: 20_000, what: "w1's manager credentials" });
  assert.is((statSync(credsOf("w1")).mode & 0o777).toString(8), "600");
  const w1Id = (await swarm.json<SwarmInfo>("w1", "info", "--format", "json")).NodeID ?? "";
  const jwt = /-----BEGIN NATS USER JWT-----\n(.+)\n/.exec(readFileSync(credsOf("w1"), "utf8"))?.[1] ?? "";
  assert.is(decode(jwt).name, `manager-${w1Id}`);
  // Its control calls name it, which only its own credentials may.
  await waitFor(async () => (await swarm.cli("w1", "node", "ls")).code === 0, {
    timeoutMs: 20_000,
    what: "node ls on the promoted w1",
  });

  const demote = await swarm.write("m1", "node", "demote", "w1");
  assert.is(demote.code, 0, demote.stderr);
  await waitFor(() => !existsSync(credsOf("w1")), { timeoutMs: 20_000, what: "w1's manager credentials removed" });
  const ls = await swarm.cli("m1", "node", "ls");
  assert.is(ls.code, 0, ls.stderr);
});

test.run();
