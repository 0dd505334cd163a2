import { test } from "uvu";
import * as assert from "uvu/assert";
import { freePort } from "../../src/net/free-port.ts";
import { useSwarm } from "../support/swarm.ts";
import { waitFor } from "../support/wait-for.ts";

interface Info {
  LocalNodeState: string;
  NodeID: string;
  ControlAvailable: boolean;
  Nodes: number;
  Managers: number;
}

const swarm = useSwarm(test);

test("a fresh daemon is inactive", async () => {
  await swarm.daemon("m1");
  const r = await swarm.cli("m1", "info");
  assert.is(r.code, 0, r.stderr);
  assert.is(r.stdout, " Swarm: inactive\n");
});

test("swarm init makes an active manager and prints the join command", async () => {
  const port = await freePort();
  const r = await swarm.cli("m1", "swarm", "init", "--listen-addr", `127.0.0.1:${port}`);
  assert.is(r.code, 0, r.stderr);
  const id = /Swarm initialized: current node \(([0-9a-z]{25})\) is now a manager\./.exec(r.stdout)?.[1];
  assert.ok(id, r.stdout);
  assert.match(
    r.stdout,
    new RegExp(`swarmbus swarm join --token SWMTKN-1-[0-9a-z]{50}-[0-9a-z]{25} 127\\.0\\.0\\.1:${port}`),
  );
  const info = await swarm.json<Info>("m1", "info", "--format", "json");
  assert.is(info.LocalNodeState, "active");
  assert.is(info.NodeID, id);
  assert.is(info.ControlAvailable, true);
  assert.is(info.Managers, 1);
  const text = (await swarm.cli("m1", "info")).stdout;
  assert.match(
    text,
    /^ Swarm: active\n {2}NodeID: [0-9a-z]{25}\n {2}Is Manager: true\n {2}ClusterID: [0-9a-z]{25}\n {2}Managers: 1\n {2}Nodes: 1\n/,
  );
});

test("a second init is refused with Swarm's message", async () => {
  const r = await swarm.cli("m1", "swarm", "init");
  assert.is(r.code, 1);
  assert.is(
    r.stderr.trim(),
    'Error response from daemon: This node is already part of a swarm. Use "docker swarm leave" to leave this swarm and join another one.',
  );
});

test("a worker joins with the worker token and shows Ready in node ls", async () => {
  const { token, addr } = await tokenAndAddr();
  await swarm.daemon("w1");
  const r = await swarm.cli("w1", "swarm", "join", "--token", token, addr);
  assert.is(r.code, 0, r.stderr);
  assert.is(r.stdout, "This node joined a swarm as a worker.\n");
  const info = await swarm.json<Info>("w1", "info", "--format", "json");
  assert.is(info.LocalNodeState, "active");
  assert.is(info.ControlAvailable, false);
  const ls = await waitFor(
    async () => {
      const out = (await swarm.cli("m1", "node", "ls")).stdout;
      return /\bw1\s+Ready\s+Active\s/.test(out) && out;
    },
    { timeoutMs: 10_000, what: "w1 Ready in node ls", intervalMs: 200 },
  );
  const lines = ls.trim().split("\n");
  assert.match(lines[0]!, /^ID\s+HOSTNAME\s+STATUS\s+AVAILABILITY\s+MANAGER STATUS\s+ENGINE VERSION$/);
  assert.match(ls, /[0-9a-z]{25} \*\s+m1\s+Ready\s+Active\s+Leader\s+\d+\.\d+\.\d+/);
});

test("a token of another swarm's root CA is refused: the fingerprint mismatch, a plain daemon error as moby's", async () => {
  const { addr } = await tokenAndAddr();
  await swarm.daemon("w2");
  const bad = `SWMTKN-1-${"0".repeat(50)}-${"a".repeat(25)}`;
  const r = await swarm.cli("w2", "swarm", "join", "--token", bad, addr);
  assert.is(r.code, 1);
  assert.is(
    r.stderr,
    `Error response from daemon: remote CA does not match fingerprint. Expected: ${"0".repeat(64)}\n`,
  );
  const info = await swarm.json<Info>("w2", "info", "--format", "json");
  assert.is(info.LocalNodeState, "inactive");
});

test("a token with the swarm's root but a secret it never issued is refused by the CA", async () => {
  const { token, addr } = await tokenAndAddr();
  await swarm.daemon("w3");
  // The swarm's own root digest, so the join reaches the CA; a secret it never issued.
  const bad = `${token.slice(0, -25)}${"a".repeat(25)}`;
  const r = await swarm.cli("w3", "swarm", "join", "--token", bad, addr);
  assert.is(r.code, 1);
  assert.is(
    r.stderr,
    "Error response from daemon: rpc error: code = InvalidArgument desc = A valid join token is necessary to join this cluster\n",
  );
  const info = await swarm.json<Info>("w3", "info", "--format", "json");
  assert.is(info.LocalNodeState, "inactive");
});

test("manager-only commands on a worker answer Swarm's message", async () => {
  const r = await swarm.cli("w1", "node", "ls");
  assert.is(r.code, 1);
  assert.is(
    r.stderr.trim(),
    "Error response from daemon: This node is not a swarm manager. Worker nodes can't be used to view or modify cluster state. Please run this command on a manager node or promote the current node to a manager.",
  );
});

async function tokenAndAddr(): Promise<{ token: string; addr: string }> {
  const token = (await swarm.cli("m1", "swarm", "join-token", "-q", "worker")).stdout.trim();
  const info = await swarm.json<{ RemoteManagers: { Addr: string }[] }>("m1", "info", "--format", "json");
  return { token, addr: info.RemoteManagers[0]!.Addr };
}

test.run();
