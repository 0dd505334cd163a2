import { Metadata, Server, type ServerUnaryCall, type sendUnaryData } from "@grpc/grpc-js";
import { test } from "uvu";
import * as assert from "uvu/assert";
import type { ClientSideCredentials, NodeIdentity } from "../../src/ca/credentials.ts";
import { requestNodeIdentity } from "../../src/ca/join.ts";
import { createRootCA } from "../../src/ca/pki/signing-root-ca.ts";
import { tlsClientCredentials } from "../../src/ca/tls/client-credentials.ts";
import { LiveTlsMaterial, type TlsMaterial } from "../../src/ca/tls/tls-material.ts";
import type { NodeCertificateStatusResponse__Output } from "../../src/gen/docker/swarmkit/v1/NodeCertificateStatusResponse.ts";
import { swarmkit } from "../../src/rpc/proto.ts";
import { dispatcherAt } from "../manager/support/dispatcher-client.ts";
import { call, joinWorker, openSession, startCluster, type TestCluster } from "../manager/support/manager-cluster.ts";
import { rpcRejection } from "../support/caught.ts";
import { anonymousChannel, anonymousCredentials, issueFor, managerCredentials } from "../support/tls-fixture.ts";
import { waitFor } from "../support/wait-for.ts";

/**
 * The manager's port speaks mutual TLS with the swarm's own root CA: who calls
 * is what the verified certificate says, never what the caller writes in its
 * metadata. The stories of an attacker on the public port.
 */
let c: TestCluster;
test.before(async () => {
  c = await startCluster();
});
test.after(async () => {
  await c.close();
});

const DENIED = "rpc error: code = PermissionDenied desc = Permission denied: unauthorized peer role: rpc error:";
const NO_CERTIFICATE = `${DENIED} code = PermissionDenied desc = no client certificates in request`;

/** The identity document earlier builds trusted in call metadata: a worker claiming to be a manager. */
function forgedIdentityMetadata(id: NodeIdentity): Metadata {
  const md = new Metadata();
  const claim = { kind: "swarmbus-identity/v1", nodeId: id.nodeId, role: "swarm-manager", clusterId: id.clusterId };
  md.set("x-swarmbus-identity", Buffer.from(JSON.stringify(claim)).toString("base64"));
  return md;
}

function dispatcherWith(creds: ClientSideCredentials) {
  const client = dispatcherAt(c.manager.listenAddr, creds);
  c.closers.push(() => client.close());
  return client;
}

const credsOf = (id: NodeIdentity, m: TlsMaterial) => tlsClientCredentials(id, new LiveTlsMaterial(m));
/** The worker's own certificate and key, trusting the cluster's root. */
const ownCreds = (w: { identity: NodeIdentity; certificate: Buffer; key: Buffer }) =>
  credsOf(w.identity, { rootCA: c.root.certificate, certificate: w.certificate, key: w.key });

test("a Session with a forged identity in its metadata and no certificate is refused", async () => {
  const worker = await joinWorker(c);
  const client = dispatcherWith(anonymousCredentials(c.root.certificate, worker.identity));
  const s = openSession(c, client, forgedIdentityMetadata(worker.identity));
  assert.is((await s.ended).grpcText, NO_CERTIFICATE);
  assert.is(c.manager.getNode(worker.identity.nodeId).status?.state, "UNKNOWN", "the worker never became ready");
});

test("a worker's own certificate with a forged manager identity in the metadata stays a worker", async () => {
  const worker = await joinWorker(c);
  const creds = ownCreds(worker);
  const s = openSession(c, dispatcherWith(creds), forgedIdentityMetadata(worker.identity));
  const first = await s.first;
  assert.is(first.node?.role, "WORKER");
  assert.is(c.manager.getNode(worker.identity.nodeId).role, "WORKER");
});

test("NodeCertificateStatus for another node, without a certificate, tells the state and nothing secret", async () => {
  const worker = await joinWorker(c);
  const creds = ownCreds(worker);
  await openSession(c, dispatcherWith(creds), new Metadata(), { description: { hostname: "w1" } }).first;
  await waitFor(() => c.manager.getNode(worker.identity.nodeId).description, {
    timeoutMs: 5000,
    what: "the worker's registration in the store",
  });
  const { creds: anon, options } = anonymousChannel(c.root.certificate);
  const ca = new swarmkit.NodeCA(c.manager.listenAddr, anon, options);
  c.closers.push(() => ca.close());
  const res = await call<NodeCertificateStatusResponse__Output>((cb) =>
    ca.NodeCertificateStatus({ node_id: worker.identity.nodeId }, cb),
  );
  assert.is(res.status?.state, "ISSUED");
  assert.is(res.certificate, null, "no certificate, so no cluster ID either");
  assert.not.ok(JSON.stringify(res).includes(c.clusterId));
});

test("a certificate of another swarm, an expired one and one signed by a foreign key with the right subject are refused; nothing is written; the manager keeps serving", async () => {
  const worker = await joinWorker(c);
  const otherSwarm = await createRootCA();
  // Nodes of the earlier stories change on their own (their sessions end): this worker and the count must not.
  const before = { worker: c.manager.getNode(worker.identity.nodeId), count: c.manager.listNodes().length };
  const presented: [string, TlsMaterial][] = [
    ["another swarm's", await issueFor(otherSwarm, { ...worker.identity, clusterId: "o".padEnd(25, "0") })],
    [
      "an expired",
      await issueFor(c.root, worker.identity, { now: new Date(Date.now() - 48 * 3600_000), expiryMs: 3600_000 }),
    ],
    ["a foreign key's", await issueFor(otherSwarm, worker.identity)],
  ];
  // The clients trust the real root: only the certificate they present is wrong.
  for (const [what, m] of presented) {
    const creds = credsOf(worker.identity, { ...m, rootCA: c.root.certificate });
    const e = await rpcRejection(() => openSession(c, dispatcherWith(creds), new Metadata()).first);
    assert.is(e.grpcText, NO_CERTIFICATE, what);
  }
  const after = { worker: c.manager.getNode(worker.identity.nodeId), count: c.manager.listNodes().length };
  assert.equal(after, before, "nothing written");
  const good = ownCreds(worker);
  assert.ok((await openSession(c, dispatcherWith(good), new Metadata()).first).session_id);
});

test("a man in the middle serving the genuine root with its own key: the join fails and the token never reaches it", async () => {
  const fakeRoot = await createRootCA();
  const fake = await managerCredentials(fakeRoot, {
    nodeId: "f".padEnd(25, "0"),
    role: "swarm-manager",
    clusterId: c.clusterId,
  });
  const tokens: string[] = [];
  const server = new Server();
  server.addService(swarmkit.RootCA.service, {
    GetRootCACertificate: (_call: ServerUnaryCall<unknown, unknown>, cb: sendUnaryData<unknown>) =>
      cb(null, { certificate: c.root.certificate }),
  });
  server.addService(swarmkit.NodeCA.service, {
    IssueNodeCertificate: (call: ServerUnaryCall<{ token: string }, unknown>, cb: sendUnaryData<unknown>) => {
      tokens.push(call.request.token);
      cb(null, { node_id: "x".padEnd(25, "0"), node_membership: "ACCEPTED" });
    },
  });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync("127.0.0.1:0", fake.server.serverCredentials(), (e, p) => (e ? reject(e) : resolve(p))),
  );
  c.closers.push(() => server.forceShutdown());
  const e = await rpcRejection(() =>
    requestNodeIdentity({
      remoteAddr: `127.0.0.1:${port}`,
      token: c.manager.joinTokens().worker,
      profile: { ...c.profile, getCertRetryIntervalMs: 10 },
    }),
  );
  assert.is(
    e.grpcText,
    'rpc error: code = Unavailable desc = connection error: desc = "transport: authentication handshake failed: x509: certificate signed by unknown authority"',
  );
  assert.equal(tokens, []);
});

test.run();
