import { Metadata } from "@grpc/grpc-js";
import type { TimingProfile } from "../config/profile.ts";
import type { IssuedIdentity } from "./credentials.ts";
import { getRemoteSignedCertificate } from "./join.ts";
import { createCSRForKey } from "./pki/node-csr.ts";

/**
 * The client side of a renewal (SK TLSRenewer → RequestAndSaveNewCertificates
 * without a token): a CSR signed with the node's key, IssueNodeCertificate
 * without a token, NodeCertificateStatus until the new certificate is issued.
 * SwarmKit authenticates the renewal by the node's mTLS certificate; until the
 * gRPC port speaks TLS, the current certificate travels in the call metadata
 * and the CA verifies it against the root itself (src/manager/ca-renewal.ts).
 */
export const RENEWAL_CERTIFICATE_METADATA = "x-swarmbus-node-certificate-bin";

export interface RenewalRequest {
  /** host:port of a manager. */
  readonly remoteAddr: string;
  readonly profile: TimingProfile;
  readonly signal: AbortSignal;
  /** swarm-node.crt and swarm-node.key as kept now; the root they verify against. */
  readonly certificate: Buffer;
  readonly key: Buffer;
  readonly rootCACertificate: Buffer;
}

export async function requestRenewedCertificate(r: RenewalRequest): Promise<IssuedIdentity> {
  const metadata = new Metadata();
  metadata.set(RENEWAL_CERTIFICATE_METADATA, r.certificate);
  return getRemoteSignedCertificate(
    { remoteAddr: r.remoteAddr, token: "", profile: r.profile, signal: r.signal },
    await createCSRForKey(r.key),
    r.rootCACertificate,
    metadata,
  );
}
