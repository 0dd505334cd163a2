import type { NodeIdentity, PeerCall, ServerSideCredentials } from "../ca/credentials.ts";
import type { Node__Output } from "../gen/docker/swarmkit/v1/Node.ts";
import { rpcError } from "../rpc/status.ts";

/**
 * The renewal side of IssueNodeCertificate (SK ca/server.go: a caller that
 * AuthorizeForwardedRoleAndOrg accepts goes to issueRenewCertificate): the
 * caller's TLS certificate, verified against the cluster's root in the
 * handshake, of a worker or manager of this cluster (or the one a manager
 * forwarded). A caller without one is no renewal: the token path answers it.
 */
export function renewingCaller(call: PeerCall, credentials: ServerSideCredentials): NodeIdentity | null {
  try {
    return credentials.authenticate(call);
  } catch {
    return null;
  }
}

/**
 * SK issueRenewCertificate: the node's certificate becomes RENEW with the new
 * CSR and the node's observed role (Node.Role), so the signer issues it with
 * the role the role manager has reconciled, never the one the caller wants.
 */
export function renewedNode(
  node: Node__Output | undefined,
  nodeId: string,
  csr: Buffer,
  natsUserKey = "",
): Node__Output {
  if (!node) throw rpcError("NotFound", `node ${nodeId} not found when attempting to renew certificate`);
  return {
    ...node,
    certificate: {
      role: node.role,
      csr,
      status: { state: "RENEW", err: "" },
      certificate: Buffer.alloc(0),
      cn: nodeId,
      nats_user_key: natsUserKey,
      nats_user_jwt: "",
    },
  };
}
