import { test } from "uvu";
import * as assert from "uvu/assert";
import { Code } from "../../src/rpc/status.ts";
import { waitFor } from "../support/wait-for.ts";
import { DaemonCluster } from "./support/daemon-cluster.ts";

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
  assert.is(info.LocalNodeState, "inactive");
  assert.is(info.NodeID, "");
  assert.is(info.ControlAvailable, false);
  assert.is(info.RemoteManagers, null);
  const e = await c.callError("m1", "node.ls", {});
  assert.is(e.code, Code.Unavailable);
  assert.is(e.plain, true);
  assert.is(
    e.message,
    'This node is not a swarm manager. Use "docker swarm init" or "docker swarm join" to connect this node to swarm and try again.',
  );
  const l = await c.callError("m1", "leave", {});
  assert.is(l.message, "This node is not part of a swarm");
});

test("init makes an active manager", async () => {
  const r = await c.call("m1", "init", { listenAddr: "127.0.0.1:0" });
  assert.match(r.nodeId, /^[0-9a-z]{25}$/);
  assert.match(r.workerToken, /^SWMTKN-1-[0-9a-z]{50}-[0-9a-z]{25}$/);
  assert.match(r.advertiseAddr, /^127\.0\.0\.1:\d+$/);
  assert.is.not(r.advertiseAddr, "127.0.0.1:0");
  managerAddr = r.advertiseAddr;
  m1Id = r.nodeId;
  const info = await c.call("m1", "info", {});
  assert.is(info.LocalNodeState, "active");
  assert.is(info.NodeID, r.nodeId);
  assert.is(info.ControlAvailable, true);
  assert.is(info.Error, "");
  assert.is(info.Managers, 1);
  assert.is(info.Nodes, 1);
  assert.is(info.NodeAddr, "127.0.0.1");
  assert.ok(info.Cluster, "an active manager shows the cluster");
  assert.match(info.Cluster.ID, /^[0-9a-z]{25}$/);
  assert.is(info.Cluster.Spec.Name, "default");
  assert.equal(info.RemoteManagers, [{ NodeID: r.nodeId, Addr: managerAddr }]);
  assert.is(info.Warnings, null);
});

test("a second init is refused with Swarm's message", async () => {
  const e = await c.callError("m1", "init", {});
  assert.is(e.plain, true);
  assert.is(
    e.message,
    'This node is already part of a swarm. Use "docker swarm leave" to leave this swarm and join another one.',
  );
});

test("leave on the single manager without --force: the last-manager message", async () => {
  const e = await c.callError("m1", "leave", {});
  assert.is(e.code, Code.Unavailable);
  assert.is(
    e.message,
    "You are attempting to leave the swarm on a node that is participating as a manager. Removing the last manager erases all current state of the swarm. Use `--force` to ignore this message. ",
  );
});

test("a worker joins with the worker token: active worker, Ready on the manager", async () => {
  const { token } = await c.call("m1", "join-token", { role: "worker" });
  await c.daemon("w1");
  const r = await c.call("w1", "join", { token, remoteAddr: managerAddr });
  assert.equal(r, { role: "worker" });
  const info = await c.call("w1", "info", {});
  assert.is(info.LocalNodeState, "active");
  assert.is(info.ControlAvailable, false);
  assert.match(info.NodeID, /^[0-9a-z]{25}$/);
  assert.is(info.Cluster, null);
  const ls = await waitFor(
    async () => {
      const res = await c.call("m1", "node.ls", {});
      const nodes = res.nodes as ApiNodeLike[];
      const w = nodes.find((n) => n.ID === info.NodeID);
      return w?.Status.State === "ready" && res;
    },
    { timeoutMs: 10_000, what: "w1 to be ready in node ls" },
  );
  assert.is(ls.self, m1Id);
  const nodes = ls.nodes as ApiNodeLike[];
  assert.is(nodes.length, 2);
  const w1 = nodes.find((n) => n.ID === info.NodeID);
  assert.is(w1?.Spec.Role, "worker");
  assert.is(w1?.Spec.Availability, "active");
  assert.is(w1?.Description.Hostname, "w1");
  const m1 = nodes.find((n) => n.ID === m1Id);
  assert.is(m1?.Spec.Role, "manager");
  assert.is(m1?.ManagerStatus?.Leader, true);
  const inspected = await c.call("m1", "node.inspect", { ref: "w1" });
  assert.is((inspected.node as ApiNodeLike).ID, info.NodeID);
});

test("manager verbs on a worker are refused with Swarm's message", async () => {
  const e = await c.callError("w1", "node.ls", {});
  assert.is(e.plain, true);
  assert.is(
    e.message,
    "This node is not a swarm manager. Worker nodes can't be used to view or modify cluster state. Please run this command on a manager node or promote the current node to a manager.",
  );
  const j = await c.callError("w1", "join-token", { role: "worker" });
  assert.is(j.message, e.message);
});

test("a wrong token: the CA's error, and the node stays out of the swarm", async () => {
  await c.daemon("w2");
  const { token } = await c.call("m1", "join-token", { role: "worker" });
  const bad = `${token.slice(0, -25)}${"0".repeat(25)}`;
  const e = await c.callError("w2", "join", { token: bad, remoteAddr: managerAddr });
  assert.is(e.code, Code.InvalidArgument);
  // moby's API message is the node's error as grpc-go prints it.
  assert.is(e.message, "rpc error: code = InvalidArgument desc = A valid join token is necessary to join this cluster");
  const info = await c.call("w2", "info", {});
  assert.is(info.LocalNodeState, "inactive");
});

test("a worker leaves: inactive again, and may join again", async () => {
  await c.call("w1", "leave", {});
  const info = await c.call("w1", "info", {});
  assert.is(info.LocalNodeState, "inactive");
  assert.is(info.NodeID, "");
});

test.run();
