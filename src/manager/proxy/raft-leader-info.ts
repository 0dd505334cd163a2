import type { LeaderInfo } from "./leader-conn.ts";

/** The part of RaftNode (src/raft/node) that leadership questions need. */
export interface RaftLeadership {
  readonly raftId: string;
  isLeader(): boolean;
  /** "0" (NONE) when no leader is known. */
  leaderId(): string;
  members(): readonly { readonly member: { readonly raftId: string; readonly addr: string } }[];
  ticksWithNoLeader(): number;
  lostQuorum(): boolean;
}

const NONE = "0";

/**
 * LeaderInfo from a Raft member. The leader's address is its raft member
 * address, which is the manager's gRPC address (SwarmKit serves Raft and the
 * Dispatcher on the same listener). A member that is the Raft leader but has
 * not yet applied its term's first entry reports no leader, so calls wait a
 * tick rather than relay to itself (SwarmKit publishes IsLeader only then).
 */
export function raftLeaderInfo(node: RaftLeadership): LeaderInfo {
  const leader = (): string | undefined => {
    if (node.isLeader()) return node.raftId;
    const id = node.leaderId();
    return id === NONE || id === node.raftId ? undefined : id;
  };
  return {
    isLeader: () => node.isLeader(),
    leaderId: leader,
    leaderAddr: () => {
      const id = leader();
      return id === undefined ? undefined : node.members().find((m) => m.member.raftId === id)?.member.addr;
    },
    ticksWithNoLeader: () => node.ticksWithNoLeader(),
    lostQuorum: () => node.lostQuorum(),
  };
}

/**
 * LeaderInfo for a manager whose Raft member starts after its relays are
 * built: no leader, and no lost quorum, until `member()` returns the member.
 */
export function lateRaftLeaderInfo(member: () => RaftLeadership | undefined): LeaderInfo {
  let facts: LeaderInfo | undefined;
  const of = (): LeaderInfo | undefined => {
    if (facts) return facts;
    const m = member();
    if (m) facts = raftLeaderInfo(m);
    return facts;
  };
  return {
    isLeader: () => of()?.isLeader() ?? false,
    leaderId: () => of()?.leaderId(),
    leaderAddr: () => of()?.leaderAddr(),
    ticksWithNoLeader: () => of()?.ticksWithNoLeader() ?? 0,
    lostQuorum: () => of()?.lostQuorum() ?? false,
  };
}
