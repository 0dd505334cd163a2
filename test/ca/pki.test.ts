import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { createNodeKeyAndCSR } from "../../src/ca/pki/node-csr.ts";
import { DEFAULT_NODE_CERT_EXPIRY_MS, signNodeCertificate } from "../../src/ca/pki/sign-node-certificate.ts";
import { createRootCA } from "../../src/ca/pki/signing-root-ca.ts";
import { verifyNodeCertificate } from "../../src/ca/pki/verify-node-certificate.ts";
import { x509 } from "../../src/ca/pki/x509.ts";
import { rpcRejection } from "../support/caught.ts";
import { expectedSubjectIssuer, opensslReport } from "../support/openssl.ts";
import { tempDir } from "../support/temp-dir.ts";

const HOUR = 3600 * 1000;
const worker = {
  nodeId: "0123456789abcdefghijklmno",
  role: "swarm-worker",
  clusterId: "zyxwvutsrqponmlkjihgfedcb",
} as const;
const manager = { ...worker, role: "swarm-manager" } as const;

async function issued(subject: typeof worker | typeof manager, expiryMs?: number, now?: Date) {
  const root = await createRootCA();
  const node = await createNodeKeyAndCSR();
  const certificate = await signNodeCertificate(root, node.csr, subject, expiryMs, now);
  return { root, node, certificate };
}

async function withFiles(files: Record<string, Buffer>, f: (dir: string) => Promise<void>): Promise<void> {
  const dir = tempDir("swarmbus-pki-");
  try {
    for (const [name, bytes] of Object.entries(files)) await writeFile(join(dir.path, name), bytes);
    await f(dir.path);
  } finally {
    dir.remove();
  }
}

test("the root CA is ECDSA P-256, CN swarm-ca, a CA, valid 20 years from an hour ago", async () => {
  const now = new Date();
  const root = await createRootCA(now);
  const cert = new x509.X509Certificate(root.certificate.toString("utf8"));
  assert.is(cert.subject, "CN=swarm-ca");
  assert.is(cert.issuer, "CN=swarm-ca");
  assert.equal(cert.publicKey.algorithm, { name: "ECDSA", namedCurve: "P-256" });
  assert.is(cert.getExtension(x509.BasicConstraintsExtension)?.ca, true);
  assert.is(cert.notBefore.getTime(), Math.floor((now.getTime() - HOUR) / 1000) * 1000);
  assert.is(cert.notAfter.getTime(), Math.floor((now.getTime() + 630_720_000_000) / 1000) * 1000);
  assert.match(root.key.toString(), /^-----BEGIN PRIVATE KEY-----\n/);
});

test("a node certificate: CN node ID, OU role, O cluster ID, SANs [OU, CN] (+ swarm-ca for a manager), 2160 h", async () => {
  const now = new Date();
  const w = await issued(worker, undefined, now);
  const cert = new x509.X509Certificate(w.certificate.toString("utf8"));
  assert.is(cert.subject, `O=${worker.clusterId}, OU=swarm-worker, CN=${worker.nodeId}`);
  assert.equal(
    cert
      .getExtension(x509.SubjectAlternativeNameExtension)
      ?.names.toJSON()
      .map((n) => n.value),
    ["swarm-worker", worker.nodeId],
  );
  assert.is(cert.notBefore.getTime(), Math.floor((now.getTime() - HOUR) / 1000) * 1000);
  assert.is(cert.notAfter.getTime(), Math.floor((now.getTime() + DEFAULT_NODE_CERT_EXPIRY_MS) / 1000) * 1000);
  const m = await issued(manager);
  const mcert = new x509.X509Certificate(m.certificate.toString("utf8"));
  assert.equal(
    mcert
      .getExtension(x509.SubjectAlternativeNameExtension)
      ?.names.toJSON()
      .map((n) => n.value),
    ["swarm-manager", manager.nodeId, "swarm-ca"],
  );
});

test("the cluster's cert expiry applies; below 1 h the default is used", async () => {
  const now = new Date();
  const long = new x509.X509Certificate((await issued(worker, 5 * HOUR, now)).certificate.toString("utf8"));
  assert.is(long.notAfter.getTime(), Math.floor((now.getTime() + 5 * HOUR) / 1000) * 1000);
  const short = new x509.X509Certificate((await issued(worker, 30 * 60 * 1000, now)).certificate.toString("utf8"));
  assert.is(short.notAfter.getTime(), Math.floor((now.getTime() + DEFAULT_NODE_CERT_EXPIRY_MS) / 1000) * 1000);
});

test("the CA sets the subject itself: a CSR claiming another node or role gets the CA's subject", async () => {
  const root = await createRootCA();
  const keys = (await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, true, [
    "sign",
    "verify",
  ])) as import("../../src/ca/pki/x509.ts").CryptoKeyPair;
  const csr = await x509.Pkcs10CertificateRequestGenerator.create({
    name: "CN=someone-else, OU=swarm-manager, O=other-cluster",
    keys,
    signingAlgorithm: { name: "ECDSA", hash: "SHA-256" },
  });
  const cert = await signNodeCertificate(root, Buffer.from(csr.toString("pem")), worker);
  assert.equal((await verifyNodeCertificate(root.certificate, cert)).identity, worker);
});

test("verifying against the root gives back the identity and the issuer's subject and key", async () => {
  const m = await issued(manager);
  const v = await verifyNodeCertificate(m.root.certificate, m.certificate);
  assert.equal(v.identity, manager);
  const root = new x509.X509Certificate(m.root.certificate.toString("utf8"));
  assert.ok(v.issuer.subject.equals(Buffer.from(root.subjectName.toArrayBuffer())));
  assert.ok(v.issuer.publicKey.equals(Buffer.from(root.publicKey.rawData)));
});

test("openssl reads the files: subject CN/OU/O, issuer swarm-ca, verify OK, the PKCS#8 key", async () => {
  const w = await issued(worker);
  const files = {
    "swarm-root-ca.crt": w.root.certificate,
    "swarm-node.crt": w.certificate,
    "swarm-node.key": w.node.key,
  };
  await withFiles(files, async (dir) => {
    const r = await opensslReport(dir);
    assert.is(r.subjectIssuer, expectedSubjectIssuer(worker.nodeId, "swarm-worker", worker.clusterId));
    assert.is(r.verify, "swarm-node.crt: OK");
    assert.ok(r.keyReadable, "openssl pkey reads swarm-node.key");
  });
});

test("a certificate signed by another root is refused, by us and by openssl", async () => {
  const w = await issued(worker);
  const other = await createRootCA();
  const e = await rpcRejection(() => verifyNodeCertificate(other.certificate, w.certificate));
  assert.is(e.code, 3);
  assert.is(
    e.message,
    'x509: certificate signed by unknown authority (possibly because of "x509: ECDSA verification failure" while trying to verify candidate authority certificate "swarm-ca")',
  );
  await withFiles(
    { "swarm-root-ca.crt": other.certificate, "swarm-node.crt": w.certificate, "swarm-node.key": w.node.key },
    async (dir) => {
      assert.not.match((await opensslReport(dir)).verify, /: OK$/);
    },
  );
});

test("an expired certificate is refused with SwarmKit's words", async () => {
  const long = new Date(Date.now() - 10 * HOUR);
  const w = await issued(worker, 2 * HOUR, long);
  const e = await rpcRejection(() =>
    verifyNodeCertificate(w.root.certificate, w.certificate, new Date("2030-01-02T03:04:05Z")),
  );
  assert.is(e.code, 3);
  assert.match(
    e.message,
    /^certificate \(1 - 0123456789abcdefghijklmno\) not valid after \w{3}, \d\d \w{3} \d{4} \d\d:\d\d:\d\d UTC, and it is currently Wed, 02 Jan 2030 03:04:05 UTC$/,
  );
});

test("garbage bytes are no certificate", async () => {
  const root = await createRootCA();
  const e = await rpcRejection(() => verifyNodeCertificate(root.certificate, Buffer.from("garbage\x00\x01")));
  assert.is(e.code, 3);
  assert.is(e.message, "no certificates to validate");
  const csr = await rpcRejection(() => signNodeCertificate(root, Buffer.from("not a csr"), worker));
  assert.is(csr.code, 3);
});

test.run();
