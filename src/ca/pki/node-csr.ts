import { createPublicKey, KeyObject } from "node:crypto";
import { privateKeyFromPem, privateKeyToPem } from "./pem.ts";
import { type CryptoKeyPair, EC_KEY, EC_SIGNING, subtle, x509 } from "./x509.ts";

/**
 * What a node makes before asking the CA for a certificate (SK ca.GenerateNewCSR):
 * a fresh ECDSA P-256 key, kept on the node as PKCS#8 PEM, and a CSR for it.
 * The CSR's subject is left empty: the CA sets CN/OU/O itself.
 */
export interface NodeKeyAndCSR {
  /** swarm-node.key: never leaves the node. */
  readonly key: Buffer;
  /** PEM "CERTIFICATE REQUEST", sent with IssueNodeCertificate. */
  readonly csr: Buffer;
}

export async function createNodeKeyAndCSR(): Promise<NodeKeyAndCSR> {
  const keys = (await subtle.generateKey(EC_KEY, true, ["sign", "verify"])) as CryptoKeyPair;
  return { key: await privateKeyToPem(keys.privateKey), csr: await csrFor(keys) };
}

/** A renewal's CSR: signed with the key the node already keeps (swarm-node.key), which stays as it is. */
export async function createCSRForKey(keyPem: Buffer): Promise<NodeKeyAndCSR> {
  const privateKey = await privateKeyFromPem(keyPem);
  const spki = createPublicKey(KeyObject.from(privateKey)).export({ type: "spki", format: "der" });
  const publicKey = await subtle.importKey("spki", spki, EC_KEY, true, ["verify"]);
  return { key: keyPem, csr: await csrFor({ privateKey, publicKey }) };
}

async function csrFor(keys: CryptoKeyPair): Promise<Buffer> {
  const csr = await x509.Pkcs10CertificateRequestGenerator.create({ keys, signingAlgorithm: EC_SIGNING });
  return Buffer.from(`${csr.toString("pem")}\n`);
}
