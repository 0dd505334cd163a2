import { type RpcError, rpcError } from "../../rpc/status.ts";

/**
 * Who may call the control API: managers only, as SwarmKit's authenticated
 * control server (manager.go authorize → ca.AuthorizeForwardedRoleAndOrg with
 * authorized and forwarder roles both [swarm-manager]). On the bus the caller
 * is the node ID in the subject (the server's permissions let a node name only
 * itself) and, for a call a follower relayed, the forwarded node ID in the
 * header; the store says what each one is.
 */
export type CallerStanding = "manager" | "worker" | "removed" | "unknown";

/** What this manager's store says of a node ID: a manager (observed role), a worker, removed, or unknown. */
export type CallerLookup = (nodeId: string) => CallerStanding;

const MANAGER_ROLES = "[swarm-manager]";

/**
 * SK AuthorizeOrgAndRole's own refusal for a caller that holds no manager
 * certificate: "remote certificate not part of OUs: [swarm-manager]" (a worker,
 * and an unknown node ID, which no manager certificate of this swarm names), or
 * authorizeOrg's "node <id> was removed from swarm" for a removed node.
 */
function directRefusal(nodeId: string, standing: CallerStanding): RpcError {
  return standing === "removed"
    ? rpcError("PermissionDenied", `Permission denied: node ${nodeId} was removed from swarm`)
    : rpcError("PermissionDenied", `Permission denied: remote certificate not part of OUs: ${MANAGER_ROLES}`);
}

/**
 * The node a control call is served for, or PermissionDenied worded as SK
 * AuthorizeForwardedRoleAndOrg words it:
 * - direct call by a non-manager: "Permission denied: unauthorized peer role: rpc error: code =
 *   PermissionDenied desc = Permission denied: remote certificate not part of OUs: [swarm-manager]";
 * - relayed by a non-manager: "Permission denied: unauthorized forwarder role: <the same inner error>";
 * - relayed with an empty caller: "Permission denied: missing information in forwarded request";
 * - relayed for a non-manager: "Permission denied: unauthorized forwarded role, expecting: [swarm-manager]".
 */
export function authorizeCaller(lookup: CallerLookup, caller: string, forwardedFor: string | undefined): string {
  const standing = lookup(caller);
  if (forwardedFor === undefined) {
    if (standing === "manager") return caller;
    const inner = directRefusal(caller, standing).grpcText;
    throw rpcError("PermissionDenied", `Permission denied: unauthorized peer role: ${inner}`);
  }
  if (standing !== "manager") {
    const inner = directRefusal(caller, standing).grpcText;
    throw rpcError("PermissionDenied", `Permission denied: unauthorized forwarder role: ${inner}`);
  }
  if (forwardedFor === "") {
    throw rpcError("PermissionDenied", "Permission denied: missing information in forwarded request");
  }
  if (lookup(forwardedFor) !== "manager") {
    throw rpcError("PermissionDenied", `Permission denied: unauthorized forwarded role, expecting: ${MANAGER_ROLES}`);
  }
  return forwardedFor;
}

/**
 * A raft join is for the caller itself: SwarmKit's raft.Join takes the joining
 * node's ID from its certificate, so it has no refusal for naming another node;
 * ours says which node asked for which.
 */
export function authorizeRaftJoin(caller: string, nodeId: string): void {
  if (nodeId !== caller) {
    throw rpcError("PermissionDenied", `Permission denied: node ${caller} cannot join the raft as node ${nodeId}`);
  }
}

/**
 * A follower's store can lag behind the leader's: a node the leader has just made a manager
 * (a join with the manager token, a promotion) may still be a worker, or unknown, there.
 * A follower that knows a leader does not refuse such a caller itself: it passes the call on
 * (UNVERIFIED_HEADER), and the leader, whose store wrote the role, decides.
 */
export function mayBeLagging(standing: CallerStanding): boolean {
  return standing === "worker" || standing === "unknown";
}

/**
 * The leader's side of a call passed on unverified: the forwarder must be a manager (the
 * relayed refusal otherwise); the caller is judged as a direct caller, with SwarmKit's texts.
 */
export function authorizeUnverified(lookup: CallerLookup, forwarder: string, caller: string): string {
  const standing = lookup(forwarder);
  if (standing !== "manager") {
    const inner = directRefusal(forwarder, standing).grpcText;
    throw rpcError("PermissionDenied", `Permission denied: unauthorized forwarder role: ${inner}`);
  }
  return authorizeCaller(lookup, caller, undefined);
}
