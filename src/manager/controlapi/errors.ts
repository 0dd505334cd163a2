import { rpcError } from "../../rpc/status.ts";

/** The control API's node errors, word for word as SK: manager/controlapi (server.go, node.go). */
export const errInvalidArgument = () => rpcError("InvalidArgument", "invalid argument");
export const errNodeNotFound = (id: string) => rpcError("NotFound", `node ${id} not found`);
export const errDemoteLastManager = () =>
  rpcError("FailedPrecondition", "attempting to demote the last manager of the swarm");
export const errNotInRaftMemberlist = () => rpcError("NotFound", "can't find manager in raft memberlist");
export const errDemoteLosesQuorum = () =>
  rpcError("FailedPrecondition", "can't remove member from the raft: this would result in a loss of quorum");
/** store.ErrSequenceConflict, returned as a plain error, which gRPC sends as Unknown. */
export const errSequenceConflict = () => rpcError("Unknown", "update out of sequence");
export const errManagerWithoutRaft = (id: string) =>
  rpcError("FailedPrecondition", `node ${id} is a manager but cannot access node information from the raft memberlist`);
export const errRemoveRaftMember = (id: string) =>
  rpcError(
    "FailedPrecondition",
    `node ${id} is a cluster manager and is a member of the raft cluster. It must be demoted to worker before removal`,
  );
export const errNodeNotDown = (id: string) =>
  rpcError("FailedPrecondition", `node ${id} is not down and can't be removed`);
export const errClusterNotFound = () => rpcError("NotFound", "cluster not found");
/** SK: ca/auth.go authorizeOrg. */
export const errNodeRemovedFromSwarm = (id: string) =>
  rpcError("PermissionDenied", `Permission denied: node ${id} was removed from swarm`);
/** SK: manager/controlapi/node.go orphanNodeTasks. */
export const TASK_ORPHANED_MESSAGE = "Task belonged to a node that has been deleted";
