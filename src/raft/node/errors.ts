import { type RpcError, rpcError } from "../../rpc/status.ts";

/**
 * SwarmKit's Raft and membership errors, by their exact text
 * (manager/state/raft/raft.go, membership/cluster.go). They travel as RpcError
 * with code Unknown — what a plain Go error becomes on the wire; the control
 * API maps the ones it must (ErrCannotRemoveMember → FailedPrecondition …).
 */
export const ErrNoRaftMember = "raft: node is not yet part of a raft cluster";
export const ErrConfChangeRefused = "raft: propose configuration change refused";
export const ErrStopped = "raft: failed to process the request: node is stopped";
export const ErrLostLeadership = "raft: failed to process the request: node lost leader status";
export const ErrRequestTooLarge = "raft: raft message is too large and can't be sent";
export const ErrCannotRemoveMember = "raft: member cannot be removed, because removing it may result in loss of quorum";
export const ErrNoClusterLeader = "raft: no elected cluster leader";
export const ErrMemberUnknown = "raft: member unknown";
export const ErrMemberRemoved = "raft: member was removed from the cluster";
export const ErrIDExists = "membership: can't add node to cluster, node id is a duplicate";
export const ErrIDRemoved = "membership: node was removed during cluster lifetime";
export const ErrIDNotFound = "membership: member not found in cluster list";

/** A raft error as the one error type of the project. */
export const raftError = (text: string): RpcError => rpcError("Unknown", text);
