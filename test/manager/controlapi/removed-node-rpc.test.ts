import { test } from "uvu";
import * as assert from "uvu/assert";
import { rpcRejection } from "../../support/caught.ts";
import { identityMetadata } from "../support/dispatcher-client.ts";
import {
  call,
  dispatcherClient,
  joinWorker,
  openSession,
  startCluster,
  type TestCluster,
} from "../support/manager-cluster.ts";

let c: TestCluster;
test.before(async () => {
  c = await startCluster();
});
test.after(async () => {
  await c.close();
});

test("after node rm, the node's dispatcher calls are refused: Permission denied … was removed from swarm", async () => {
  const worker = await joinWorker(c);
  const id = worker.identity.nodeId;
  const client = dispatcherClient(c);
  const md = await identityMetadata(c, worker.identity);
  const s = openSession(c, client, md);
  const first = await s.first;
  const rm = await rpcRejection(() => c.manager.removeNode({ nodeId: id, force: false }));
  assert.is(rm.grpcText, `rpc error: code = FailedPrecondition desc = node ${id} is not down and can't be removed`);
  await c.manager.removeNode({ nodeId: id, force: true });
  // The open session ends: the node is gone.
  assert.is((await s.ended).grpcText, "rpc error: code = NotFound desc = node not registered");
  assert.throws(() => c.manager.getNode(id), /not found/);
  const denied = `rpc error: code = PermissionDenied desc = Permission denied: unauthorized peer role: rpc error: code = PermissionDenied desc = Permission denied: node ${id} was removed from swarm`;
  // A new session, and a heartbeat on the old one, are refused at authentication.
  const again = openSession(c, client, md);
  assert.is((await again.ended).grpcText, denied);
  const hb = await rpcRejection(() => call((cb) => client.Heartbeat({ session_id: first.session_id }, md, cb)));
  assert.is(hb.grpcText, denied);
  // The blacklist survives a manager restart (it is in the cluster object).
  await c.restart();
  const c2 = dispatcherClient(c);
  assert.is((await openSession(c, c2, md).ended).grpcText, denied);
});

test.run();
