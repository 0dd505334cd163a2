import { test } from "uvu";
import * as assert from "uvu/assert";
import { createNodeKeyAndCSR } from "../../src/ca/pki/node-csr.ts";
import { checkNodeKeyPair } from "../../src/ca/pki/node-key-pair.ts";
import { signNodeCertificate } from "../../src/ca/pki/sign-node-certificate.ts";
import { createRootCA } from "../../src/ca/pki/signing-root-ca.ts";
import { thrown } from "../support/caught.ts";

/** A restarted node reads swarm-node.crt and swarm-node.key as a pair, and says what is wrong as Go does. */
const ident = {
  nodeId: "0123456789abcdefghijklmno",
  role: "swarm-worker",
  clusterId: "abcdefghijklmno0123456789",
} as const;

async function pair() {
  const root = await createRootCA();
  const { key, csr } = await createNodeKeyAndCSR();
  return { key, cert: await signNodeCertificate(root, csr, ident) };
}

const reason = (cert: Buffer, key: Buffer) => (thrown(() => checkNodeKeyPair(cert, key)) as Error).message;

test("a certificate and the key it was issued for load", async () => {
  const { cert, key } = await pair();
  checkNodeKeyPair(cert, key);
});

test("a garbage or truncated key, a garbage certificate, another node's key: each with Go's words", async () => {
  const { cert, key } = await pair();
  const other = await pair();
  assert.is(reason(cert, Buffer.from("garbage\n")), "invalid PEM-encoded private key");
  assert.is(reason(cert, key.subarray(0, key.length / 2)), "invalid PEM-encoded private key");
  assert.is(reason(Buffer.from("not a certificate\n"), key), "tls: failed to find any PEM data in certificate input");
  assert.is(reason(cert.subarray(0, cert.length / 2), key), "tls: failed to find any PEM data in certificate input");
  const badDer = Buffer.from("-----BEGIN CERTIFICATE-----\nMIIBkTCB+wIJ\n-----END CERTIFICATE-----\n");
  assert.is(reason(badDer, key), "x509: malformed certificate");
  const badKey = Buffer.from("-----BEGIN PRIVATE KEY-----\nMIIBkTCB+wIJ\n-----END PRIVATE KEY-----\n");
  assert.is(reason(cert, badKey), "tls: failed to parse private key");
  assert.is(reason(cert, other.key), "tls: private key does not match public key");
});

test("the certificate and the key swapped: Go's hints", async () => {
  const { cert, key } = await pair();
  assert.is(
    reason(key, cert),
    "tls: failed to find certificate PEM data in certificate input, but did find a private key; PEM inputs may have been switched",
  );
  assert.is(reason(cert, cert), "tls: found a certificate rather than a key in the PEM for the private key");
});

test("an encrypted key (an autolocked manager's) is left to the unlock", async () => {
  const { cert } = await pair();
  checkNodeKeyPair(
    cert,
    Buffer.from("-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIBkTCB+wIJ\n-----END ENCRYPTED PRIVATE KEY-----\n"),
  );
});

test.run();
