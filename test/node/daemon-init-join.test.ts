import * as assert from "node:assert/strict";
import { test } from "uvu";
import { Code } from "../../src/rpc/status.ts";
import { waitFor } from "../support/wait-for.ts";
import { DaemonCluster } from "./support.ts";

interface ApiNodeLike {
  ID: string;
  Spec: { Role: string; Availability: string };
  Description: { Hostname: string };
  Status: { State: string };
  ManagerStatus?: { Leader?: boolean };
}

let c: DaemonCluster;
let managerAddr = "";
let m1Id = "";

test.before(async () => {
  c = await DaemonCluster.start();
});
test.after(async () => {
  await c.stop();
});

test("a fresh daemon is inactive; manager verbs say to init or join", async () => {
  await c.daemon("m1");
  const info = await c.call("m1", "info", {});
  assert.equal(info.LocalNodeState, "inactive");
  assert.equal(info.NodeID, "");
  assert.equal(info.ControlAvailable, false);
  assert.equal(info.RemoteManagers, null);
  const e = await c.callError("m1", "node.ls", {});
  assert.equal(e.code, Code.Unavailable);
  assert.equal(e.plain, true);
  assert.equal(
    e.message,
    'This node is not a swarm manager. Use "docker swarm init" or "docker swarm join" to connect this node to swarm and try again.',
  );
  const l = await c.callError("m1", "leave", {});
  assert.equal(l.message, "This node is not part of a swarm");
});

test("init makes an active manager", async () => {
  const r = await c.call("m1", "init", { listenAddr: "127.0.0.1:0" });
  assert.match(r.nodeId, /^[0-9a-z]{25}$/);
  assert.match(r.workerToken, /^SWMTKN-1-[0-9a-z]{50}-[0-9a-z]{25}$/);
  assert.match(r.advertiseAddr, /^127\.0\.0\.1:\d+$/);
  assert.notEqual(r.advertiseAddr, "127.0.0.1:0");
  managerAddr = r.advertiseAddr;
  m1Id = r.nodeId;
  const info = await c.call("m1", "info", {});
  assert.equal(info.LocalNodeState, "active");
  assert.equal(info.NodeID, r.nodeId);
  assert.equal(info.ControlAvailable, true);
  assert.equal(info.Error, "");
  assert.equal(info.Managers, 1);
  assert.equal(info.Nodes, 1);
  assert.equal(info.NodeAddr, "127.0.0.1");
  assert.ok(info.Cluster, "an active manager shows the cluster");
  assert.match(info.Cluster.ID, /^[0-9a-z]{25}$/);
  assert.equal(info.Cluster.Spec.Name, "default");
  assert.deepEqual(info.RemoteManagers, [{ NodeID: r.nodeId, Addr: managerAddr }]);
  assert.equal(info.Warnings, null);
});

test("a second init is refused with Swarm's message", async () => {
  const e = await c.callError("m1", "init", {});
  assert.equal(e.plain, true);
  assert.equal(
    e.message,
    'This node is already part of a swarm. Use "docker swarm leave" to leave this swarm and join another one.',
  );
});

test("leave on the single manager without --force: the last-manager message", async () => {
  const e = await c.callError("m1", "leave", {});
  assert.equal(e.code, Code.Unavailable);
  assert.equal(
    e.message,
    "You are attempting to leave the swarm on a node that is participating as a manager. Removing the last manager erases all current state of the swarm. Use `--force` to ignore this message. ",
  );
});

test("a worker joins with the worker token: active worker, Ready on the manager", async () => {
  const { token } = await c.call("m1", "join-token", { role: "worker" });
  await c.daemon("w1");
  const r = await c.call("w1", "join", { token, remoteAddr: managerAddr });
  assert.deepEqual(r, { role: "worker" });
  const info = await c.call("w1", "info", {});
  assert.equal(info.LocalNodeState, "active");
  assert.equal(info.ControlAvailable, false);
  assert.match(info.NodeID, /^[0-9a-z]{25}$/);
  assert.equal(info.Cluster, null);
  const ls = await waitFor(
    async () => {
      const res = await c.call("m1", "node.ls", {});
      const nodes = res.nodes as ApiNodeLike[];
      const w = nodes.find((n) => n.ID === info.NodeID);
      return w?.Status.State === "ready" && res;
    },
    { timeoutMs: 10_000, what: "w1 to be ready in node ls" },
  );
  assert.equal(ls.self, m1Id);
  const nodes = ls.nodes as ApiNodeLike[];
  assert.equal(nodes.length, 2);
  const w1 = nodes.find((n) => n.ID === info.NodeID);
  assert.equal(w1?.Spec.Role, "worker");
  assert.equal(w1?.Spec.Availability, "active");
  assert.equal(w1?.Description.Hostname, "w1");
  const m1 = nodes.find((n) => n.ID === m1Id);
  assert.equal(m1?.Spec.Role, "manager");
  assert.equal(m1?.ManagerStatus?.Leader, true);
  const inspected = await c.call("m1", "node.inspect", { ref: "w1" });
  assert.equal((inspected.node as ApiNodeLike).ID, info.NodeID);
});

test("manager verbs on a worker are refused with Swarm's message", async () => {
  const e = await c.callError("w1", "node.ls", {});
  assert.equal(e.plain, true);
  assert.equal(
    e.message,
    "This node is not a swarm manager. Worker nodes can't be used to view or modify cluster state. Please run this command on a manager node or promote the current node to a manager.",
  );
  const j = await c.callError("w1", "join-token", { role: "worker" });
  assert.equal(j.message, e.message);
});

test("a wrong token: the CA's error, and the node stays out of the swarm", async () => {
  await c.daemon("w2");
  const { token } = await c.call("m1", "join-token", { role: "worker" });
  const bad = `${token.slice(0, -25)}${"0".repeat(25)}`;
  const e = await c.callError("w2", "join", { token: bad, remoteAddr: managerAddr });
  assert.equal(e.code, Code.InvalidArgument);
  assert.equal(e.message, "A valid join token is necessary to join this cluster");
  const info = await c.call("w2", "info", {});
  assert.equal(info.LocalNodeState, "inactive");
});

test("a worker leaves: inactive again, and may join again", async () => {
  await c.call("w1", "leave", {});
  const info = await c.call("w1", "info", {});
  assert.equal(info.LocalNodeState, "inactive");
  assert.equal(info.NodeID, "");
});

test.run();
