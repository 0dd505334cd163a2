import { decodeConfChange, decodeRaftMember } from "../codec.ts";
import type { MemoryStorage } from "../core/index.ts";
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
 * membership. A restarted member has the same need until it re-applies its
 * addition, when it stopped before it learned that its addition was committed:
 * it has the members its stored log names (loggedMembers).
 */
export function memberLookup(membership: Membership, self: RaftId, joinMembers: readonly RaftMember[]): RaftMembers {
  return {
    raftIdOf: (nodeId) =>
      membership.raftIdOf(nodeId) ??
      (membership.has(self) ? undefined : joinMembers.find((m) => m.nodeId === nodeId)?.raftId),
    isRemoved: (raftId) => membership.isRemoved(raftId),
  };
}

/** The members the stored log's conf changes name, committed or not (those after its snapshot). */
export function loggedMembers(mem: MemoryStorage): RaftMember[] {
  const byId = new Map<RaftId, RaftMember>();
  const first = mem.firstIndex();
  const last = mem.lastIndex();
  if (last < first) return [];
  for (const e of mem.entries(first, last + 1, Number.POSITIVE_INFINITY)) {
    if (e.type !== "confChange") continue;
    try {
      const cc = decodeConfChange(e.data);
      if (cc.type === "removeNode") byId.delete(cc.nodeId);
      else if (cc.context.length > 0) byId.set(cc.nodeId, { ...decodeRaftMember(cc.context), raftId: cc.nodeId });
    } catch {
      // A conf change that does not decode names nobody (the applier logs it when it gets there).
    }
  }
  return [...byId.values()];
}
