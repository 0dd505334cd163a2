import { busPrefix } from "../subjects.ts";
import { assertUserPublicKey } from "./node-nkey.ts";
import { busPermissions } from "./permissions.ts";
import { accountSigner, issueUserJwt } from "./user.ts";

/**
 * The swarm account's signer as the cluster object keeps it (beside the root
 * CA key): the account's public key and the seed of one of its signing keys.
 * Whoever leads can then issue the managers' bus credentials.
 */
export interface StoredAccountSigner {
  readonly account: string;
  readonly signingSeed: string;
}

/**
 * A manager's user JWT for the nkey its node holds: Raft and the control API
 * of its cluster, sending only as `nodeId` (busPermissions), under the prefix in effect.
 */
export function issueManagerJwt(
  signer: StoredAccountSigner,
  manager: { nodeId: string; clusterId: string },
  userPublicKey: string,
  /**
   * When the certificate it comes with expires: so does the credential (the server then
   * cuts the connection), and a demoted node's old one stops working as its certificate would.
   */
  expiresAt?: Date,
): Promise<string> {
  return issueUserJwt(
    `manager-${manager.nodeId}`,
    assertUserPublicKey(userPublicKey),
    accountSigner(signer.account, signer.signingSeed),
    // Only the two IDs: a caller's object may carry a `role` of its own (a NodeIdentity's TLS role).
    busPermissions({ role: "manager", nodeId: manager.nodeId, clusterId: manager.clusterId }, busPrefix()),
    expiresAt,
  );
}
