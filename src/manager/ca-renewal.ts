import type { Metadata } from "@grpc/grpc-js";
import type { NodeIdentity } from "../ca/credentials.ts";
import { verifyNodeCertificate } from "../ca/pki/verify-node-certificate.ts";
import { RENEWAL_CERTIFICATE_METADATA } from "../ca/renew.ts";
import type { Node__Output } from "../gen/docker/swarmkit/v1/Node.ts";
import { rpcError } from "../rpc/status.ts";

/**
 * The renewal side of IssueNodeCertificate (SK ca/server.go: a caller that
 * AuthorizeOrgAndRole accepts goes to issueRenewCertificate). The caller's
 * certificate comes in the call metadata until the port speaks mutual TLS; it
 * counts only if it verifies against the cluster's root and names this
 * cluster. A caller without one is no renewal: the token path answers it.
 */
export async function renewingCaller(
  metadata: Metadata,
  rootCACertificate: Buffer,
  clusterId: string,
): Promise<NodeIdentity | null> {
  const presented = metadata.get(RENEWAL_CERTIFICATE_METADATA)[0];
  if (!Buffer.isBuffer(presented) || presented.length === 0) return null;
  try {
    const { identity } = await verifyNodeCertificate(rootCACertificate, presented);
    return identity.clusterId === clusterId ? identity : null;
  } catch {
    return null;
  }
}

/**
 * SK issueRenewCertificate: the node's certificate becomes RENEW with the new
 * CSR and the node's observed role (Node.Role), so the signer issues it with
 * the role the role manager has reconciled, never the one the caller wants.
 */
export function renewedNode(node: Node__Output | undefined, nodeId: string, csr: Buffer): Node__Output {
  if (!node) throw rpcError("NotFound", `node ${nodeId} not found when attempting to renew certificate`);
  return {
    ...node,
    certificate: {
      role: node.role,
      csr,
      status: { state: "RENEW", err: "" },
      certificate: Buffer.alloc(0),
      cn: nodeId,
    },
  };
}
