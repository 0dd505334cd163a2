import { createHash, randomBytes } from "node:crypto";

/**
 * The swarm's root CA as the rest of the code sees it: the certificate bytes
 * (what GetRootCACertificate hands out, what join tokens fingerprint) and their
 * digest. For now the "certificate" is random bytes in a PEM-like envelope,
 * created at bootstrap and kept in the cluster object; the real ECDSA root
 * (@peculiar/x509) replaces `createRootCA` behind this same shape.
 */
export interface RootCA {
  /** The root certificate bundle, as swarm-root-ca.crt holds it. */
  readonly certificate: Buffer;
}

const BEGIN = "-----BEGIN SWARMBUS ROOT CA-----";
const END = "-----END SWARMBUS ROOT CA-----";

export function createRootCA(): RootCA {
  const body = randomBytes(48).toString("base64");
  return { certificate: Buffer.from(`${BEGIN}\n${body}\n${END}\n`) };
}

/** sha256 of the root CA bytes, hex (digest.FromBytes(...).Hex()). */
export function rootCADigestHex(certificate: Buffer): string {
  return createHash("sha256").update(certificate).digest("hex");
}

/** Cluster.RootCA.CACertHash: "sha256:<hex>". */
export function rootCACertHash(certificate: Buffer): string {
  return `sha256:${rootCADigestHex(certificate)}`;
}
