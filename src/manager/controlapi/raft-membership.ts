/**
 * Every question the control API and the role manager ask Raft, behind one
 * small interface. The single-manager implementation below answers for a
 * cluster whose only member is this manager; the Raft work fills it for real
 * (SK: manager/state/raft/raft.go, membership/cluster.go).
 */
export interface RaftMember {
  readonly nodeId: string;
  readonly raftId: string;
  readonly addr: string;
}

export interface RaftMembership {
  /** The member for a node ID, if the node is in the raft memberlist. */
  memberOf(nodeId: string): { raftId: string; addr: string } | undefined;
  /** The whole memberlist (the role manager evicts members whose node is gone). */
  members(): RaftMember[];
  /** SK CanRemoveMember: the members left, counting only reachable ones (self always), keep a quorum. */
  canRemoveMember(raftId: string): boolean;
  /** Rejects with ErrCannotRemoveMember's text when the quorum guard says no. */
  removeMember(raftId: string): Promise<void>;
  transferLeadership?(): Promise<void>;
  isLeader(): boolean;
}

/** SK: manager/state/raft/raft.go. */
export const ERR_CANNOT_REMOVE_MEMBER =
  "raft: member cannot be removed, because removing it may result in loss of quorum";
export const ERR_MEMBER_UNKNOWN = "raft: member unknown";

/**
 * SK membership.Cluster.CanRemoveMember: `nreachable` counts the members other
 * than `raftId` that are reachable (self always is); `nquorum` is computed on
 * the memberlist that still includes `raftId`.
 */
export function canRemoveMember(members: readonly { raftId: string; reachable: boolean }[], raftId: string): boolean {
  const nreachable = members.filter((m) => m.raftId !== raftId && m.reachable).length;
  const nquorum = Math.floor((members.length - 1) / 2) + 1;
  return nreachable >= nquorum;
}

/** This manager as the one member of its Raft group: leader, always reachable. */
export function singleManagerMembership(self: () => RaftMember): RaftMembership {
  const list = () => [{ raftId: self().raftId, reachable: true }];
  return {
    memberOf(nodeId) {
      const me = self();
      return me.nodeId === nodeId ? { raftId: me.raftId, addr: me.addr } : undefined;
    },
    members: () => [self()],
    canRemoveMember: (raftId) => canRemoveMember(list(), raftId),
    async removeMember(raftId) {
      if (raftId !== self().raftId) throw new Error(ERR_MEMBER_UNKNOWN);
      if (!canRemoveMember(list(), raftId)) throw new Error(ERR_CANNOT_REMOVE_MEMBER);
    },
    isLeader: () => true,
  };
}
