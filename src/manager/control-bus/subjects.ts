import { assertToken, subjects } from "../../bus/subjects.ts";

/**
 * The control API's subjects. A call names its caller, the node ID of the
 * manager whose daemon makes it (the identity its NATS credential carries, so
 * the server's permissions can pin it: a manager may publish only
 * `control.*.<ownNodeId>` and `control.*.<ownNodeId>.*`):
 *
 *   <p>.cluster.<id>.control.<method>.<callerNodeId>                 every manager, queue group `managers`
 *   <p>.cluster.<id>.control.<method>.<callerNodeId>.<leaderRaftId>  one manager (a forward to the leader)
 *
 * A follower forwarding to the leader names ITSELF as the caller and carries the
 * original caller in CALLER_HEADER (SwarmKit's forwarded TLS info), which the
 * leader believes only from a manager. Other headers: the caller's remaining
 * time and the redirect.
 */
export { CONTROL_QUEUE } from "../../bus/auth/permissions.ts";
/** Milliseconds the caller still waits (the deadline of the call, as gRPC's grpc-timeout). */
export const TIMEOUT_HEADER = "Swarmbus-Timeout-Ms";
/** Set by the forwarding manager: where the call was redirected from (SwarmKit's `redirect` metadata). */
export const REDIRECT_HEADER = "Swarmbus-Redirect";
/** Set by the forwarding manager: the node ID of the original caller (SwarmKit's forwarded_tls_cn). */
export const CALLER_HEADER = "Swarmbus-Forwarded-Caller";
/**
 * Set by a follower that forwards a call whose caller its own store does not know as a
 * manager (yet): the leader judges that caller as a direct caller, with its own store.
 */
export const UNVERIFIED_HEADER = "Swarmbus-Caller-Unverified";

export const controlSubject = (clusterId: string, method: string, caller: string) =>
  `${subjects().control(clusterId, method)}.${assertToken(caller, "caller node ID")}`;

/** What every manager takes in the queue group: `<p>.cluster.<id>.control.*.*`. */
export const controlQueueSubject = (clusterId: string) => `${subjects().controlAll(clusterId)}.*`;

export const leaderSubject = (clusterId: string, method: string, caller: string, raftId: string) =>
  `${controlSubject(clusterId, method, caller)}.${assertToken(raftId, "raft ID")}`;

/** Every call addressed to this member: `<p>.cluster.<id>.control.*.*.<raftId>`. */
export const addressedToSubject = (clusterId: string, raftId: string) =>
  `${controlQueueSubject(clusterId)}.${assertToken(raftId, "raft ID")}`;

/** The method and the caller a control subject names (queue or leader-addressed), or undefined. */
export function parseControlSubject(
  clusterId: string,
  subject: string,
): { method: string; caller: string } | undefined {
  const head = subjects().controlAll(clusterId).slice(0, -1);
  if (!subject.startsWith(head)) return undefined;
  const [method, caller, ...rest] = subject.slice(head.length).split(".");
  if (!method || !caller || rest.length > 1) return undefined;
  return { method, caller };
}
