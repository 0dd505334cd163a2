import type { NatsConnection } from "@nats-io/transport-node";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { callDaemon } from "../../src/bus/daemon-client.ts";
import type { SwarmInfo } from "../../src/bus/daemon-contract.ts";
import { freePort } from "../../src/net/free-port.ts";
import { parseNodeLs } from "../support/node-ls.ts";
import { useSwarm } from "../support/swarm.ts";
import { waitFor } from "../support/wait-for.ts";

/**
 * Joins that do not succeed at once, as Docker 20.10 has them: the node is
 * `pending` while it tries (info shows the address it is joining), a join not
 * done within the join timeout goes on in the background, and a join that
 * fails says why once its attempts are spent.
 */
const swarm = useSwarm(test);
let bus: NatsConnection;

test.before(async () => {
  bus = await swarm.nats.connect("e2e-join-pending");
});

const TIMEOUT_TEXT =
  'Error response from daemon: Timeout was reached before node joined. The attempt to join the swarm will continue in the background. Use the "docker info" command to see the current swarm status of your node.';

/** `info --format json` of `node`, straight over the bus (polled while a join runs). */
const info = (node: string): Promise<SwarmInfo> => callDaemon(bus, node, "info", {}, { timeoutMs: 5_000 });

/** Waits until `node` is pending, joining `addr`. */
const pendingJoining = (node: string, addr: string) =>
  waitFor(
    async () => {
      const i = await info(node);
      return i.LocalNodeState === "pending" && i.RemoteManagers?.some((p) => p.Addr === addr) === true && i;
    },
    { timeoutMs: 10_000, what: `${node} to be pending, joining ${addr}` },
  );

test("a join to a manager that does not answer in time: the timeout text, pending, then active by itself", async () => {
  const { token, addr } = await swarm.initManager("m1", await freePort());
  const m1 = swarm.daemons.get("m1");
  assert.ok(m1);
  await swarm.daemon("w1");
  m1.kill("SIGSTOP"); // the manager's daemon hangs: connections are accepted, nothing answers
  let joined = false;
  try {
    const join = swarm.cli("w1", "swarm", "join", "--token", token, addr);
    await pendingJoining("w1", addr);
    const text = swarm.cli("w1", "info");
    // The manager comes back once the join command has given up waiting (and info has answered).
    const [r, shown] = await Promise.all([join, text]).finally(() => m1.kill("SIGCONT"));
    assert.is(r.code, 1, r.stdout);
    assert.is(r.stderr.trim(), TIMEOUT_TEXT);
    assert.is(
      shown.stdout,
      ` Swarm: pending\n  NodeID: \n  Is Manager: false\n  Node Address: 127.0.0.1\n  Manager Addresses:\n   ${addr}\n`,
    );
    joined = true;
  } finally {
    if (!joined) m1.kill("SIGCONT");
  }
  // No second join: the one in the background completes.
  const active = await waitFor(
    async () => {
      const i = await info("w1");
      return i.LocalNodeState === "active" && i;
    },
    { timeoutMs: 20_000, what: "w1 to become active by itself" },
  );
  assert.match(active.NodeID, /^[0-9a-z]{25}$/);
  assert.is(active.Error, "");
  assert.match((await swarm.cli("w1", "info")).stdout, /^ Swarm: active\n/);
  await waitFor(
    async () => parseNodeLs((await swarm.cli("m1", "node", "ls")).stdout).some((n) => n.hostname === "w1"),
    { timeoutMs: 10_000, what: "w1 in m1's node ls" },
  );
});

test("a join to a port nothing listens on is pending while it tries, then fails with the dial error", async () => {
  await swarm.daemon("w2");
  const addr = `127.0.0.1:${await freePort()}`;
  const token = `SWMTKN-1-${"1".repeat(50)}-${"2".repeat(25)}`;
  const join = swarm.cli("w2", "swarm", "join", "--token", token, addr);
  const pending = await pendingJoining("w2", addr);
  assert.is(pending.Error, "");
  assert.is(pending.ControlAvailable, false);
  const r = await join;
  assert.is(r.code, 1, r.stdout);
  assert.is(
    r.stderr.trim(),
    "Error response from daemon: rpc error: code = Unavailable desc = connection error: desc = " +
      `"transport: Error while dialing dial tcp ${addr}: connect: connection refused"`,
  );
  const after = await info("w2");
  assert.is(after.LocalNodeState, "inactive");
  assert.is(after.RemoteManagers, null);
});

test.run();
