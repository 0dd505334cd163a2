import { certificatesFromPem } from "./pem.ts";

/**
 * The TLS info a node describes itself with (SK api.NodeTLSInfo, what moby's
 * `node inspect` shows as TLSInfo): the root it trusts, and the issuer of its
 * certificate (the root itself: node certificates are signed by it) as the DER
 * of its subject and of its public key.
 */
export interface NodeTLSInfo {
  readonly trustRoot: Buffer;
  readonly certIssuerSubject: Buffer;
  readonly certIssuerPublicKey: Buffer;
}

/** The TLS info for a root CA bundle; null when it holds no certificate. */
export function tlsInfoOf(rootPem: Buffer): NodeTLSInfo | null {
  const root = certificatesFromPem(rootPem)[0];
  if (!root) return null;
  return {
    trustRoot: rootPem,
    certIssuerSubject: Buffer.from(root.subjectName.toArrayBuffer()),
    certIssuerPublicKey: Buffer.from(root.publicKey.rawData),
  };
}
