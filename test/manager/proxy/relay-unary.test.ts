import { test } from "uvu";
import * as assert from "uvu/assert";
import type { GetRootCACertificateResponse__Output } from "../../../src/gen/docker/swarmkit/v1/GetRootCACertificateResponse.ts";
import type { HeartbeatResponse__Output } from "../../../src/gen/docker/swarmkit/v1/HeartbeatResponse.ts";
import type { IssueNodeCertificateResponse__Output } from "../../../src/gen/docker/swarmkit/v1/IssueNodeCertificateResponse.ts";
import {
  deadlineIn,
  dispatcherAt,
  identityMetadata,
  nodeCAAt,
  type ProxiedManager,
  rootCAAt,
  startManager,
  unary,
  workerIdentity,
} from "./support/proxied-manager.ts";

let leader: ProxiedManager;
let follower: ProxiedManager;
const clients: { close(): void }[] = [];

test.before(async () => {
  leader = await startManager("leader");
  follower = await startManager("follower");
  leader.leader.leader = true;
  follower.leader.addr = leader.addr;
});
test.after(async () => {
  for (const c of clients) c.close();
  await follower.close();
  await leader.close();
});

test("a Heartbeat sent to a follower is answered by the leader, which sees the worker, not the follower", async () => {
  const client = dispatcherAt(follower.addr);
  clients.push(client);
  const r = await unary<HeartbeatResponse__Output>((cb) =>
    client.Heartbeat({ session_id: "s1" }, identityMetadata(workerIdentity("worker1")), deadlineIn(5000), cb),
  );
  assert.ok(r.ok, r.ok ? "" : r.err.grpcText);
  if (r.ok) assert.is(r.res?.period?.seconds, "5");
  assert.equal(follower.fake.seen, [], "the follower's own handlers are not used");
  const seen = leader.fake.seen.find((s) => s.method === "Heartbeat");
  assert.ok(seen, "the leader served the heartbeat");
  assert.is(seen?.nodeId, "worker1");
  assert.is(seen?.role, "swarm-worker");
  assert.match(seen?.peer ?? "", /^127\.0\.0\.1:\d+$/, "the leader sees the worker's address as the caller");
});

test("the leader's error comes back through the follower with its code and message", async () => {
  const client = dispatcherAt(follower.addr);
  clients.push(client);
  const r = await unary((cb) =>
    client.UpdateTaskStatus(
      { session_id: "gone", updates: [] },
      identityMetadata(workerIdentity("worker1")),
      deadlineIn(5000),
      cb,
    ),
  );
  assert.not.ok(r.ok);
  if (!r.ok) assert.is(r.err.grpcText, "rpc error: code = NotFound desc = node not registered");
});

test("a joining node without identity is relayed to the leader's NodeCA with none", async () => {
  const client = nodeCAAt(follower.addr);
  clients.push(client);
  const r = await unary<IssueNodeCertificateResponse__Output>((cb) =>
    client.IssueNodeCertificate({ token: "SWMTKN-1-x", csr: Buffer.from("csr") }, deadlineIn(5000), cb),
  );
  assert.ok(r.ok, r.ok ? "" : r.err.grpcText);
  if (r.ok) assert.is(r.res?.node_id, "newnode");
  const seen = leader.fake.seen.find((s) => s.method === "IssueNodeCertificate");
  assert.is(seen?.nodeId, "", "not the follower's identity");
});

test("RootCA is answered by the follower itself", async () => {
  const client = rootCAAt(follower.addr);
  clients.push(client);
  const r = await unary<GetRootCACertificateResponse__Output>((cb) =>
    client.GetRootCACertificate({}, deadlineIn(5000), cb),
  );
  assert.ok(r.ok);
  if (r.ok) assert.is(r.res?.certificate?.toString(), "root CA of follower");
});

test("a worker that lies about being forwarded is refused by the leader", async () => {
  const client = dispatcherAt(leader.addr);
  clients.push(client);
  const md = identityMetadata(workerIdentity("worker1"));
  md.set("forwarded_cert", "true");
  md.set("forwarded_cert_cn", "someoneelse");
  md.set("forwarded_cert_ou", "swarm-manager");
  md.set("forwarded_cert_org", "clusterproxytest");
  const r = await unary((cb) => client.Heartbeat({ session_id: "s1" }, md, deadlineIn(5000), cb));
  assert.not.ok(r.ok);
  if (!r.ok) {
    assert.is(
      r.err.grpcText,
      "rpc error: code = PermissionDenied desc = Permission denied: unauthorized forwarder role: rpc error: code = PermissionDenied desc = Permission denied: remote certificate not part of OUs: [swarm-manager]",
    );
  }
});

test("a manager forwarding without the caller's identity is refused: missing information", async () => {
  const client = dispatcherAt(leader.addr);
  clients.push(client);
  const md = identityMetadata({ nodeId: "m9", role: "swarm-manager", clusterId: "clusterproxytest" });
  md.set("forwarded_cert", "true");
  md.set("forwarded_cert_cn", "");
  md.set("forwarded_cert_ou", "");
  md.set("forwarded_cert_org", "");
  const r = await unary((cb) => client.Heartbeat({ session_id: "s1" }, md, deadlineIn(5000), cb));
  assert.not.ok(r.ok);
  if (!r.ok) {
    assert.is(
      r.err.grpcText,
      "rpc error: code = PermissionDenied desc = Permission denied: missing information in forwarded request",
    );
  }
});

test.run();
