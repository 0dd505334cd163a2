import { assertToken, subjects } from "../../bus/subjects.ts";

/**
 * The control API's subjects. Every manager takes `<p>.cluster.<id>.control.<method>`
 * in the queue group `managers`; a follower forwards to the leader on the
 * leader-addressed `<p>.cluster.<id>.control.<method>.<leaderRaftId>` (one more
 * token, so the queue subscription `control.*` never sees it).
 * Headers carry the caller's remaining time and the redirect.
 */
export const CONTROL_QUEUE = "managers";
/** Milliseconds the caller still waits (the deadline of the call, as gRPC's grpc-timeout). */
export const TIMEOUT_HEADER = "Swarmbus-Timeout-Ms";
/** Set by the forwarding manager: where the call was redirected from (SwarmKit's `redirect` metadata). */
export const REDIRECT_HEADER = "Swarmbus-Redirect";

export const controlSubject = (clusterId: string, method: string) => subjects().control(clusterId, method);
export const controlQueueSubject = (clusterId: string) => subjects().controlAll(clusterId);

export const leaderSubject = (clusterId: string, method: string, raftId: string) =>
  `${subjects().control(clusterId, method)}.${assertToken(raftId, "raft ID")}`;

/** Every method addressed to this member: `<p>.cluster.<id>.control.*.<raftId>`. */
export const addressedToSubject = (clusterId: string, raftId: string) =>
  `${subjects().controlAll(clusterId)}.${assertToken(raftId, "raft ID")}`;

/** The method of a control subject (queue or leader-addressed), or undefined. */
export function methodOf(clusterId: string, subject: string): string | undefined {
  const head = `${subjects().controlAll(clusterId).slice(0, -1)}`;
  if (!subject.startsWith(head)) return undefined;
  return subject.slice(head.length).split(".")[0];
}
