import { createHash } from "node:crypto";

/**
 * The digests of the swarm's root CA certificate bundle (the PEM bytes that
 * GetRootCACertificate hands out and swarm-root-ca.crt holds), which join
 * tokens fingerprint. Kept apart from pki/ so that what only needs a digest
 * does not load the X.509 library; the root itself is pki/signing-root-ca.ts.
 */

/** sha256 of the root CA bytes, hex (digest.FromBytes(...).Hex()). */
export function rootCADigestHex(certificate: Buffer): string {
  return createHash("sha256").update(certificate).digest("hex");
}

/** Cluster.RootCA.CACertHash: "sha256:<hex>". */
export function rootCACertHash(certificate: Buffer): string {
  return `sha256:${rootCADigestHex(certificate)}`;
}
