import { test } from "uvu";
import * as assert from "uvu/assert";
import { newId } from "../../src/ca/ids.ts";
import { rpcRejection } from "../support/caught.ts";
import { identityMetadata } from "./support/dispatcher-client.ts";
import {
  call,
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

test("Heartbeat with a wrong or empty session ID → InvalidArgument 'session invalid'", async () => {
  const worker = await joinWorker(c);
  const client = dispatcherClient(c);
  const md = await identityMetadata(c, worker.identity);
  await openSession(c, client, md).first;
  for (const session_id of [newId(), ""]) {
    const e = await rpcRejection(() => call((cb) => client.Heartbeat({ session_id }, md, cb)));
    assert.is(e.grpcText, "rpc error: code = InvalidArgument desc = session invalid");
  }
  const a = await rpcRejection(
    () => new Promise((_, reject) => client.Assignments({ session_id: newId() }, md).on("error", reject)),
  );
  assert.is(a.grpcText, "rpc error: code = InvalidArgument desc = session invalid");
});

test("a node that never registered → NotFound 'node not registered'", async () => {
  const worker = await joinWorker(c);
  const client = dispatcherClient(c);
  const md = await identityMetadata(c, worker.identity);
  const e = await rpcRejection(() => call((cb) => client.Heartbeat({ session_id: newId() }, md, cb)));
  assert.is(e.grpcText, "rpc error: code = NotFound desc = node not registered");
  const u = await rpcRejection(() =>
    call((cb) => client.UpdateTaskStatus({ session_id: newId(), updates: [] }, md, cb)),
  );
  assert.is(u.grpcText, "rpc error: code = NotFound desc = node not registered");
});

test("a session for a node the store does not know is refused", async () => {
  const client = dispatcherClient(c);
  const s = openSession(
    c,
    client,
    await identityMetadata(c, { nodeId: newId(), role: "swarm-worker", clusterId: c.clusterId }),
  );
  const e = await s.ended;
  assert.is(e.message, "node not found");
});

test("registration is rate limited: Unavailable 'node %s exceeded rate limit count of registrations'", async () => {
  const worker = await joinWorker(c);
  const client = dispatcherClient(c);
  const md = await identityMetadata(c, worker.identity);
  const id = worker.identity.nodeId;
  // The first registration is free; rateLimitCount (3) re-registrations follow within the period.
  for (let i = 0; i < 1 + c.profile.rateLimitCount; i++) await openSession(c, client, md).first;
  const e = await openSession(c, client, md).ended;
  assert.is(e.grpcText, `rpc error: code = Unavailable desc = node ${id} exceeded rate limit count of registrations`);
});

test("identities from another cluster or with an unknown role are denied", async () => {
  const worker = await joinWorker(c);
  const client = dispatcherClient(c);
  const other = newId();
  // Certificates the cluster's own root signed, with another organization and a role Swarm does not know.
  const foreignMd = await identityMetadata(c, { ...worker.identity, clusterId: other });
  const foreign = await rpcRejection(() => call((cb) => client.Heartbeat({ session_id: "x" }, foreignMd, cb)));
  assert.is(
    foreign.grpcText,
    `rpc error: code = PermissionDenied desc = Permission denied: unauthorized peer role: rpc error: code = PermissionDenied desc = Permission denied: remote certificate not part of organization: ${c.clusterId}`,
  );
  const badRoleMd = await identityMetadata(c, { ...worker.identity, role: "swarm-ca" as "swarm-worker" });
  const badRole = await rpcRejection(() => call((cb) => client.Heartbeat({ session_id: "x" }, badRoleMd, cb)));
  assert.is(
    badRole.grpcText,
    "rpc error: code = PermissionDenied desc = Permission denied: unauthorized peer role: rpc error: code = PermissionDenied desc = Permission denied: remote certificate not part of OUs: [swarm-worker swarm-manager]",
  );
});

test("every call after the dispatcher stopped → Aborted 'dispatcher is stopped'", async () => {
  const worker = await joinWorker(c);
  const client = dispatcherClient(c);
  const md = await identityMetadata(c, worker.identity);
  const s = openSession(c, client, md);
  const { session_id } = await s.first;
  c.manager.dispatcher.stop();
  const end = await s.ended;
  assert.is(end.grpcText, "rpc error: code = Aborted desc = dispatcher is stopped");
  const hb = await rpcRejection(() => call((cb) => client.Heartbeat({ session_id }, md, cb)));
  assert.is(hb.grpcText, "rpc error: code = Aborted desc = dispatcher is stopped");
  const again = await openSession(c, client, md).ended;
  assert.is(again.grpcText, "rpc error: code = Aborted desc = dispatcher is stopped");
});

test.run();
