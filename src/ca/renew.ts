import type { TimingProfile } from "../config/profile.ts";
import type { IssuedIdentity } from "./credentials.ts";
import { getRemoteSignedCertificate } from "./join.ts";
import { createCSRForKey } from "./pki/node-csr.ts";

/**
 * The client side of a renewal (SK TLSRenewer → RequestAndSaveNewCertificates
 * without a token): a CSR signed with the node's key, IssueNodeCertificate
 * without a token, NodeCertificateStatus until the new certificate is issued.
 * The CA knows the node by the certificate it presents in the TLS handshake
 * (src/manager/ca-renewal.ts).
 */
export interface RenewalRequest {
  /** host:port of a manager. */
  readonly remoteAddr: string;
  readonly profile: TimingProfile;
  readonly signal: AbortSignal;
  /** swarm-node.crt and swarm-node.key as kept now; the root they verify against. */
  readonly certificate: Buffer;
  readonly key: Buffer;
  readonly rootCACertificate: Buffer;
  /** swarmbus: the node's NATS user public key, for a manager's bus credential (src/ca/join.ts). */
  readonly natsUserKey?: string;
}

export async function requestRenewedCertificate(r: RenewalRequest): Promise<IssuedIdentity> {
  return getRemoteSignedCertificate(
    {
      remoteAddr: r.remoteAddr,
      token: "",
      profile: r.profile,
      signal: r.signal,
      ...(r.natsUserKey ? { natsUserKey: r.natsUserKey } : {}),
    },
    await createCSRForKey(r.key),
    r.rootCACertificate,
    { key: r.key, certificate: r.certificate },
  );
}
