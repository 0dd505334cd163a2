import type { ServerSideCredentials } from "../../ca/credentials.ts";
import { rpcError } from "../../rpc/status.ts";
import type { Store } from "../store.ts";
import { errNodeRemovedFromSwarm } from "./errors.ts";

/**
 * SK ca/auth.go authorizeOrg: after the role check, a peer whose node ID is on
 * the cluster's blacklist is refused with PermissionDenied "Permission denied:
 * node %s was removed from swarm", wrapped as the authorizer wraps it.
 */
export function refuseRemovedNodes(inner: ServerSideCredentials, store: Store): ServerSideCredentials {
  return {
    serverCredentials: () => inner.serverCredentials(),
    authenticatePeer: (call, roles) => inner.authenticatePeer(call, roles),
    authenticate(call, roles) {
      const identity = inner.authenticate(call, roles);
      const blacklist = store.view((tx) => tx.cluster()?.blacklistedCertificates);
      if (blacklist && Object.hasOwn(blacklist, identity.nodeId)) {
        // SK authorizeOrg refuses inside AuthorizeOrgAndRole, whose error the authorizer wraps.
        const inner = errNodeRemovedFromSwarm(identity.nodeId).grpcText;
        throw rpcError("PermissionDenied", `Permission denied: unauthorized peer role: ${inner}`);
      }
      return identity;
    },
  };
}
