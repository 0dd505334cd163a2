import type { RaftMembers } from "../transport/index.ts";
import type { RaftId, RaftMember } from "../types.ts";
import type { Membership } from "./membership.ts";

/**
 * Whom the transport takes messages from: the applied membership; and, while
 * this member has not applied the conf change that adds it (a joiner catching
 * up), also the member list the leader answered its join with (SwarmKit's
 * registerNodes of the JoinResponse members; etcd's rafthttp takes messages
 * from the peers its transport was given). Without that list a joiner could
 * not take the leader's first MsgApp or MsgSnap, which is what brings it the
 * membership.
 */
export function memberLookup(
  membership: Membership,
  self: RaftId,
  joinMembers: readonly RaftMember[] = [],
): RaftMembers {
  return {
    raftIdOf: (nodeId) =>
      membership.raftIdOf(nodeId) ??
      (membership.has(self) ? undefined : joinMembers.find((m) => m.nodeId === nodeId)?.raftId),
    isRemoved: (raftId) => membership.isRemoved(raftId),
  };
}
