import { ErrCannotRemoveMember, ErrMemberUnknown, raftError } from "../../raft/node/errors.ts";

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
  /** Brings reachability up to now (a member whose process is gone is unreachable); call before canRemoveMember. */
  refreshReachability?(): Promise<void>;
  /** Rejects with ErrCannotRemoveMember's text when the quorum guard says no. */
  removeMember(raftId: string): Promise<void>;
  transferLeadership?(): Promise<void>;
  isLeader(): boolean;
}

/** SK: manager/state/raft/raft.go. */
export const ERR_CANNOT_REMOVE_MEMBER = ErrCannotRemoveMember;
export const ERR_MEMBER_UNKNOWN = ErrMemberUnknown;

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
      if (raftId !== self().raftId) throw raftError(ERR_MEMBER_UNKNOWN);
      if (!canRemoveMember(list(), raftId)) throw raftError(ERR_CANNOT_REMOVE_MEMBER);
    },
    isLeader: () => true,
  };
}

/** What raftNodeMembership needs of a RaftNode (src/raft/node). */
export interface RaftNodeLike {
  readonly raftId: string;
  members(): { member: RaftMember; reachability: "REACHABLE" | "UNREACHABLE"; leader: boolean }[];
  canRemoveMember(raftId: string): boolean;
  refreshReachability(): Promise<void>;
  removeMember(raftId: string): Promise<void>;
  transferLeadership(to: string): Promise<void>;
  isLeader(): boolean;
}

/** The raft memberlist of a running RaftNode (SwarmKit's membership.Cluster through raft.Node). */
export function raftNodeMembership(raft: () => RaftNodeLike | undefined): RaftMembership {
  const list = () => raft()?.members() ?? [];
  return {
    memberOf(nodeId) {
      const m = list().find((s) => s.member.nodeId === nodeId);
      return m ? { raftId: m.member.raftId, addr: m.member.addr } : undefined;
    },
    members: () => list().map((s) => s.member),
    canRemoveMember: (raftId) => raft()?.canRemoveMember(raftId) ?? false,
    refreshReachability: async () => raft()?.refreshReachability(),
    async removeMember(raftId) {
      const r = raft();
      if (!r) throw raftError(ERR_MEMBER_UNKNOWN);
      await r.removeMember(raftId);
    },
    /** SK TransferLeadership: to a reachable member other than self. */
    async transferLeadership() {
      const r = raft();
      if (!r) throw raftError(ERR_MEMBER_UNKNOWN);
      const to = r.members().find((s) => s.member.raftId !== r.raftId && s.reachability === "REACHABLE");
      if (!to) throw raftError("raft: no reachable member to transfer leadership to");
      await r.transferLeadership(to.member.raftId);
    },
    isLeader: () => raft()?.isLeader() ?? false,
  };
}
