import { test } from "uvu";
import * as assert from "uvu/assert";
import { waitFor } from "../support/wait-for.ts";
import { identityMetadata } from "./support/dispatcher-client.ts";
import {
  dispatcherClient,
  joinWorker,
  openSession,
  startCluster,
  type TestCluster,
} from "./support/manager-cluster.ts";

let c: TestCluster;
test.before.each(async () => {
  c = await startCluster();
});
test.after.each(async () => {
  await c.close();
});

test("a joined worker registers: fresh session ID, READY with the peer IP and its description in the store", async () => {
  const worker = await joinWorker(c);
  const client = dispatcherClient(c);
  const s = openSession(c, client, await identityMetadata(c, worker.identity), {
    description: { hostname: "w1", platform: { os: "linux", architecture: "x86_64" } },
  });
  const first = await s.first;
  assert.match(first.session_id, /^[0-9a-z]{25}$/);
  assert.is(first.node?.id, worker.identity.nodeId);
  assert.is(first.node?.status?.state, "READY");
  assert.is(first.node?.status?.addr, "127.0.0.1");
  assert.equal(first.managers, [{ peer: { node_id: c.managerId, addr: c.manager.advertiseAddr }, weight: "10" }]);
  assert.ok(first.RootCA.length > 0);
  const stored = c.manager.getNode(worker.identity.nodeId);
  assert.is(stored.status?.state, "READY");
  assert.is(stored.status?.message, "");
  assert.is(stored.description?.hostname, "w1");
  assert.is(stored.spec?.desired_role, "WORKER");
  assert.is(stored.role, "WORKER");
  assert.is(c.manager.getNode("w1").id, worker.identity.nodeId);
});

test("registering again gives a new session ID and ends the old stream with 'session invalid'", async () => {
  const worker = await joinWorker(c);
  const client = dispatcherClient(c);
  const md = await identityMetadata(c, worker.identity);
  const a = openSession(c, client, md);
  const firstA = await a.first;
  const b = openSession(c, client, md);
  const firstB = await b.first;
  assert.is.not(firstA.session_id, firstB.session_id);
  const end = await a.ended;
  assert.is(end.grpcText, "rpc error: code = InvalidArgument desc = session invalid");
});

test("a session with its valid ID keeps it", async () => {
  const worker = await joinWorker(c);
  const client = dispatcherClient(c);
  const md = await identityMetadata(c, worker.identity);
  const a = openSession(c, client, md);
  const { session_id } = await a.first;
  const b = openSession(c, client, md, { session_id });
  assert.is((await b.first).session_id, session_id);
});

test("a SessionMessage follows every change of the node object", async () => {
  const worker = await joinWorker(c);
  const client = dispatcherClient(c);
  const s = openSession(c, client, await identityMetadata(c, worker.identity));
  await s.first;
  await c.manager.store.update((tx) => {
    const n = tx.node(worker.identity.nodeId)!;
    tx.putNode({ ...n, spec: { ...n.spec!, desired_role: "MANAGER" } });
  });
  const msg = await s.messages.waitFor((m) => m.node?.spec?.desired_role === "MANAGER", {
    timeoutMs: 2000,
    what: "a SessionMessage carrying the promoted node",
  });
  assert.is(msg.node?.id, worker.identity.nodeId);
});

test("the manager's own agent registers its node READY; listNodes shows it as Leader, Reachable", async () => {
  const client = dispatcherClient(c);
  const s = openSession(
    c,
    client,
    await identityMetadata(c, { nodeId: c.managerId, role: "swarm-manager", clusterId: c.clusterId }),
  );
  await s.first;
  const self = await waitFor(() => c.manager.listNodes().find((n) => n.id === c.managerId), {
    timeoutMs: 1000,
    what: "the manager's own node",
  });
  assert.is(self.status?.state, "READY");
  assert.is(self.spec?.desired_role, "MANAGER");
  assert.is(self.spec?.membership, "ACCEPTED");
  assert.is(self.manager_status?.leader, true);
  assert.is(self.manager_status?.reachability, "REACHABLE");
  assert.is(self.manager_status?.addr, c.manager.advertiseAddr);
});

test.run();
