import { test } from "uvu";
import * as assert from "uvu/assert";
import { rpcRejection } from "../support/caught.ts";
import { waitFor } from "../support/wait-for.ts";
import { identityMetadata } from "./support/dispatcher-client.ts";
import {
  call,
  dispatcherClient,
  joinWorker,
  openSession,
  startCluster,
  testProfile,
} from "./support/manager-cluster.ts";

test("a restarted manager (same swarmDir) still lists its nodes, cluster and tokens, and marks them UNKNOWN", async () => {
  const c = await startCluster();
  try {
    const worker = await joinWorker(c);
    const client = dispatcherClient(c);
    await openSession(c, client, await identityMetadata(c, worker.identity), { description: { hostname: "w1" } }).first;
    assert.is(c.manager.getNode(worker.identity.nodeId).status?.state, "READY");
    const tokens = c.manager.joinTokens();
    const info = c.manager.clusterInfo();
    const before = c.manager.listNodes().map((n) => n.id);

    const m = await c.restart();
    assert.equal(
      m.listNodes().map((n) => n.id),
      before,
    );
    assert.equal(m.joinTokens(), tokens);
    assert.is(m.clusterInfo().id, info.id);
    assert.is(m.clusterInfo().createdAt, info.createdAt);
    // The new leader's markNodesUnknown is a committed write like any other.
    const w = await waitFor(
      () => {
        const n = m.getNode(worker.identity.nodeId);
        return n.status?.state === "UNKNOWN" && n;
      },
      { timeoutMs: 5_000, what: "the worker to be marked UNKNOWN" },
    );
    assert.is(w.status?.message, 'Node moved to "unknown" state due to leadership change in cluster');
    assert.is(m.getNode("w1").id, worker.identity.nodeId);
    const self = m.getNode(c.managerId);
    assert.is(self.manager_status?.leader, true);
    assert.is(self.manager_status?.addr, m.advertiseAddr);
  } finally {
    await c.close();
  }
});

test("after a restart, a node that does not come back goes DOWN 'heartbeat failure for node in \"unknown\" state'; one that does is READY", async () => {
  const c = await startCluster({ ...testProfile, heartbeatPeriodMs: 100, heartbeatEpsilonMs: 10 });
  try {
    const gone = await joinWorker(c);
    const back = await joinWorker(c);
    const m = await c.restart();
    const client = dispatcherClient(c);
    await openSession(c, client, await identityMetadata(c, back.identity)).first;
    assert.is(m.getNode(back.identity.nodeId).status?.state, "READY");
    const down = await waitFor(
      () => m.getNode(gone.identity.nodeId).status?.state === "DOWN" && m.getNode(gone.identity.nodeId),
      { timeoutMs: 10_000, what: "the absent node to go DOWN" },
    );
    assert.is(down.status?.message, 'heartbeat failure for node in "unknown" state');
  } finally {
    await c.close();
  }
});

test("after a restart an old session is 'session invalid' until the node registers; once DOWN it is 'node not registered'", async () => {
  const c = await startCluster({ ...testProfile, heartbeatPeriodMs: 100, heartbeatEpsilonMs: 10 });
  try {
    const w = await joinWorker(c);
    const md = await identityMetadata(c, w.identity);
    const { session_id } = await openSession(c, dispatcherClient(c), md).first;
    const m = await c.restart();
    const client = dispatcherClient(c);
    const e = await rpcRejection(() => call((cb) => client.Heartbeat({ session_id }, md, cb)));
    assert.is(e.grpcText, "rpc error: code = InvalidArgument desc = session invalid");
    await waitFor(() => m.getNode(w.identity.nodeId).status?.state === "DOWN", {
      timeoutMs: 10_000,
      what: "the node to go DOWN",
    });
    const gone = await rpcRejection(() => call((cb) => client.Heartbeat({ session_id }, md, cb)));
    assert.is(gone.grpcText, "rpc error: code = NotFound desc = node not registered");
  } finally {
    await c.close();
  }
});

test("a node that was DOWN before the restart stays DOWN", async () => {
  const c = await startCluster();
  try {
    const w = await joinWorker(c);
    await c.manager.store.update((tx) => {
      const n = tx.node(w.identity.nodeId)!;
      tx.putNode({ ...n, status: { state: "DOWN", message: "heartbeat failure", addr: "" } });
    });
    const m = await c.restart();
    assert.is(m.getNode(w.identity.nodeId).status?.state, "DOWN");
    assert.is(m.getNode(w.identity.nodeId).status?.message, "heartbeat failure");
  } finally {
    await c.close();
  }
});

test.run();
