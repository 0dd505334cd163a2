import type { ServerSideCredentials } from "../../ca/credentials.ts";
import type { Store } from "../store.ts";
import { errNodeRemovedFromSwarm } from "./errors.ts";

/**
 * SK ca/auth.go authorizeOrg: after the organization and role checks, a peer
 * whose node ID is on the cluster's blacklist is refused with PermissionDenied
 * "Permission denied: node %s was removed from swarm".
 */
export function refuseRemovedNodes(inner: ServerSideCredentials, store: Store): ServerSideCredentials {
  return {
    serverCredentials: () => inner.serverCredentials(),
    authenticatePeer: (call, roles) => inner.authenticatePeer(call, roles),
    authenticate(call, roles) {
      const identity = inner.authenticate(call, roles);
      const blacklist = store.view((tx) => tx.cluster()?.blacklistedCertificates);
      if (blacklist && Object.hasOwn(blacklist, identity.nodeId)) throw errNodeRemovedFromSwarm(identity.nodeId);
      return identity;
    },
  };
}
