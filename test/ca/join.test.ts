import { type AddressInfo, createServer, type Server, type Socket } from "node:net";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { requestNodeIdentity } from "../../src/ca/join.ts";
import { generateJoinToken } from "../../src/ca/join-token.ts";
import { createRootCA } from "../../src/ca/pki/signing-root-ca.ts";
import { verifyNodeCertificate } from "../../src/ca/pki/verify-node-certificate.ts";
import { x509 } from "../../src/ca/pki/x509.ts";
import { rootCADigestHex } from "../../src/ca/root-ca.ts";
import { swarmkit } from "../../src/rpc/proto.ts";
import { startCluster, type TestCluster } from "../manager/support/manager-cluster.ts";
import { rpcRejection } from "../support/caught.ts";
import { anonymousChannel } from "../support/tls-fixture.ts";
import { waitFor } from "../support/wait-for.ts";

let c: TestCluster;
test.before(async () => {
  c = await startCluster();
});
test.after(async () => {
  await c.close();
});

const join = (token: string, availability?: "ACTIVE" | "PAUSE" | "DRAIN") =>
  requestNodeIdentity({
    remoteAddr: c.manager.listenAddr,
    token,
    profile: c.profile,
    ...(availability ? { availability } : {}),
  });

test("the worker token issues a worker identity of this cluster; the node is in the store, ACCEPTED", async () => {
  const issued = await join(c.manager.joinTokens().worker);
  assert.match(issued.identity.nodeId, /^[0-9a-z]{25}$/);
  assert.is(issued.identity.role, "swarm-worker");
  assert.is(issued.identity.clusterId, c.clusterId);
  assert.equal((await verifyNodeCertificate(issued.rootCACertificate, issued.certificate)).identity, issued.identity);
  assert.match(issued.key.toString(), /^-----BEGIN PRIVATE KEY-----\n/);
  const node = c.manager.getNode(issued.identity.nodeId);
  assert.ok(node.certificate?.certificate.equals(issued.certificate), "the store keeps the issued certificate");
  assert.not.ok(node.certificate?.csr.toString().includes("PRIVATE KEY"), "the key never leaves the node");
  assert.equal(issued.rootCACertificate, c.manager.rootCACertificate());
  assert.is(node.role, "WORKER");
  assert.is(node.spec?.desired_role, "WORKER");
  assert.is(node.spec?.membership, "ACCEPTED");
  assert.is(node.spec?.availability, "ACTIVE");
  assert.is(node.certificate?.status?.state, "ISSUED");
  assert.is(node.status?.state, "UNKNOWN");
});

test("the CA signs for the cluster's cert expiry (swarm update --cert-expiry), backdated 1 h", async () => {
  const info = c.manager.clusterInfo();
  const hours = 5;
  await c.manager.updateCluster({
    clusterId: info.id,
    version: info.version,
    change: { nodeCertExpiryMs: hours * 3600_000 },
  });
  const before = Date.now();
  const issued = await join(c.manager.joinTokens().worker);
  const cert = new x509.X509Certificate(issued.certificate.toString());
  const after = Date.now();
  assert.ok(cert.notAfter.getTime() >= Math.floor(before / 1000) * 1000 + hours * 3600_000 - 1000, "NotAfter");
  assert.ok(cert.notAfter.getTime() <= after + hours * 3600_000, "NotAfter");
  assert.ok(
    cert.notBefore.getTime() <= before - 3600_000 + 1000 && cert.notBefore.getTime() >= before - 3600_000 - 1000,
  );
  const now = c.manager.clusterInfo();
  await c.manager.updateCluster({
    clusterId: now.id,
    version: now.version,
    change: { nodeCertExpiryMs: 2160 * 3600_000 },
  });
});

test("IssueNodeCertificate without a CSR is refused; a CSR that does not parse leaves the certificate FAILED", async () => {
  const { creds, options } = anonymousChannel(c.root.certificate);
  const client = new swarmkit.NodeCA(c.manager.listenAddr, creds, options);
  const opts = () => ({ deadline: Date.now() + 5000 });
  const issue = (req: { token: string; csr: Buffer }) =>
    new Promise<{ node_id: string }>((resolve, reject) =>
      client.IssueNodeCertificate(req, opts(), (e, r) => (e || !r ? reject(e) : resolve(r))),
    );
  const status = (node_id: string) =>
    new Promise<{ status: unknown }>((resolve, reject) =>
      client.NodeCertificateStatus({ node_id }, opts(), (e, r) => (e || !r ? reject(e) : resolve(r))),
    );
  try {
    const token = c.manager.joinTokens().worker;
    const empty = await rpcRejection(() => issue({ token, csr: Buffer.alloc(0) }));
    assert.is(empty.grpcText, "rpc error: code = InvalidArgument desc = InvalidArgument");
    const issued = await issue({ token, csr: Buffer.from("garbage") });
    assert.equal((await status(issued.node_id)).status, { state: "FAILED", err: "failed to parse CSR" });
  } finally {
    client.close();
  }
});

test("the manager token issues a manager identity; availability is kept", async () => {
  const issued = await join(c.manager.joinTokens().manager, "DRAIN");
  assert.is(issued.identity.role, "swarm-manager");
  const node = c.manager.getNode(issued.identity.nodeId);
  assert.is(node.role, "MANAGER");
  assert.is(node.spec?.desired_role, "MANAGER");
  assert.is(node.spec?.availability, "DRAIN");
});

test("a malformed token fails before any call with SwarmKit's plain 'invalid join token'", async () => {
  for (const token of ["SWMTKN-1-abc-def", "nonsense", `SWMTKN-2-${"0".repeat(50)}-${"0".repeat(25)}`]) {
    const e = await rpcRejection(() => join(token));
    assert.is(e.dockerText, "Error response from daemon: invalid join token");
  }
});

test("no token pins no root: the CA refuses it, as a gRPC status", async () => {
  const e = await rpcRejection(() => join(""));
  assert.is(
    e.grpcText,
    "rpc error: code = InvalidArgument desc = A valid join token is necessary to join this cluster",
  );
  assert.is(e.plain, false);
});

test("a well-formed token with a wrong secret → InvalidArgument 'A valid join token is necessary to join this cluster'", async () => {
  const worker = c.manager.joinTokens().worker;
  const wrong = `${worker.slice(0, -25)}${"z".repeat(25)}`;
  const e = await rpcRejection(() => join(wrong));
  assert.is(
    e.grpcText,
    "rpc error: code = InvalidArgument desc = A valid join token is necessary to join this cluster",
  );
});

test("a token of another root CA → 'remote CA does not match fingerprint. Expected: <hex>'", async () => {
  const other = (await createRootCA()).certificate;
  const e = await rpcRejection(() => join(generateJoinToken(other)));
  assert.is(
    e.dockerText,
    `Error response from daemon: remote CA does not match fingerprint. Expected: ${rootCADigestHex(other)}`,
  );
});

test("a rotated worker token replaces the old one, the manager token is unchanged", async () => {
  const before = c.manager.joinTokens();
  const after = await c.manager.rotateJoinToken("worker");
  assert.is.not(after.worker, before.worker);
  assert.is(after.manager, before.manager);
  assert.equal(c.manager.joinTokens(), after);
  const e = await rpcRejection(() => join(before.worker));
  assert.is(e.message, "A valid join token is necessary to join this cluster");
  assert.is((await join(after.worker)).identity.role, "swarm-worker");
});

test("a join cancelled while a silent manager keeps it waiting ends with 'context canceled'", async () => {
  // Accepts, never answers. grpc-js keeps a connection that never got HTTP/2 settings past the
  // channel's close, so the test ends the accepted sockets itself, or they would keep the process alive.
  const accepted = new Set<Socket>();
  const silent = createServer((s) => accepted.add(s));
  await new Promise<void>((r) => silent.listen(0, "127.0.0.1", r));
  const port = (silent.address() as AddressInfo).port;
  const cancel = new AbortController();
  try {
    const joining = requestNodeIdentity({
      remoteAddr: `127.0.0.1:${port}`,
      token: c.manager.joinTokens().worker,
      profile: { ...c.profile, caRequestTimeoutMs: 60_000 },
      signal: cancel.signal,
    });
    await waitFor(() => silentHasConnection(silent), { timeoutMs: 5_000, what: "the join to dial the manager" });
    cancel.abort();
    const e = await rpcRejection(() => joining);
    assert.is(e.grpcText, "rpc error: code = Canceled desc = context canceled");
  } finally {
    for (const s of accepted) s.destroy();
    silent.close();
  }
});

function silentHasConnection(s: Server): Promise<boolean> {
  return new Promise((resolve) => s.getConnections((_, n) => resolve(n > 0)));
}

test.run();
