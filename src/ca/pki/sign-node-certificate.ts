import { rpcError } from "../../rpc/status.ts";
import type { NodeIdentity } from "../credentials.ts";
import { privateKeyFromPem } from "./pem.ts";
import { randomSerialHex } from "./serial.ts";
import { CERT_BACKDATE_MS, ROOT_CN, type SigningRootCA } from "./signing-root-ca.ts";
import { EC_SIGNING, x509 } from "./x509.ts";

/** ca.DefaultNodeCertExpiration (2160h) and ca.MinNodeCertExpiration (1h). */
export const DEFAULT_NODE_CERT_EXPIRY_MS = 2160 * 3600 * 1000;
export const MIN_NODE_CERT_EXPIRY_MS = 3600 * 1000;

/** The cluster's NodeCertExpiry as the CA applies it: below the minimum, the default. */
export function effectiveNodeCertExpiryMs(expiryMs: number): number {
  return expiryMs < MIN_NODE_CERT_EXPIRY_MS ? DEFAULT_NODE_CERT_EXPIRY_MS : expiryMs;
}

/**
 * The CA signs a node's CSR (SK ca.RootCA.ParseValidateAndSignCSR, PrepareCSR):
 * the CSR gives only the public key (its signature proves the node holds the
 * key); the subject is the CA's: CN = node ID, OU = role, O = cluster ID, SANs
 * [OU, CN] plus "swarm-ca" for a manager. NotBefore is backdated 1 h. Returns PEM.
 */
export async function signNodeCertificate(
  root: SigningRootCA,
  csrPem: Buffer,
  subject: NodeIdentity,
  expiryMs: number = DEFAULT_NODE_CERT_EXPIRY_MS,
  now: Date = new Date(),
): Promise<Buffer> {
  const csr = await parseCSR(csrPem);
  const rootCert = new x509.X509Certificate(root.certificate.toString("utf8"));
  const signingKey = await privateKeyFromPem(root.key);
  const sans = [subject.role, subject.nodeId, ...(subject.role === "swarm-manager" ? [ROOT_CN] : [])];
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: randomSerialHex(),
    subject: [{ O: [subject.clusterId] }, { OU: [subject.role] }, { CN: [subject.nodeId] }],
    issuer: rootCert.subjectName,
    notBefore: new Date(now.getTime() - CERT_BACKDATE_MS),
    notAfter: new Date(now.getTime() + effectiveNodeCertExpiryMs(expiryMs)),
    publicKey: csr.publicKey,
    signingKey,
    signingAlgorithm: EC_SIGNING,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth, x509.ExtendedKeyUsage.clientAuth]),
      await x509.SubjectKeyIdentifierExtension.create(csr.publicKey),
      await x509.AuthorityKeyIdentifierExtension.create(rootCert.publicKey),
      new x509.SubjectAlternativeNameExtension(sans.map((value) => ({ type: "dns" as const, value }))),
    ],
  });
  return Buffer.from(`${cert.toString("pem")}\n`);
}

async function parseCSR(csrPem: Buffer): Promise<x509.Pkcs10CertificateRequest> {
  let csr: x509.Pkcs10CertificateRequest;
  try {
    csr = new x509.Pkcs10CertificateRequest(csrPem.toString("utf8"));
  } catch {
    throw rpcError("InvalidArgument", "failed to parse CSR");
  }
  if (!(await csr.verify().catch(() => false))) {
    throw rpcError("InvalidArgument", "failed to parse CSR: invalid signature");
  }
  return csr;
}
