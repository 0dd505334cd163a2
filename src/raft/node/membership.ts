import type { RaftId, RaftMember } from "../types.ts";

export type Reachability = "REACHABLE" | "UNREACHABLE";

/** One line of GetMemberlist: who, whether it answers, whether it leads. */
export interface MemberStatus {
  readonly member: RaftMember;
  readonly reachability: Reachability;
  readonly leader: boolean;
}

/**
 * SwarmKit's membership.Cluster: the members by Raft ID, and the IDs removed
 * during the cluster's lifetime (never used again).
 */
export class Membership {
  private readonly byId = new Map<RaftId, RaftMember>();
  private readonly removedIds = new Set<RaftId>();
  private readonly listeners = new Set<() => void>();

  /** Calls `fn` after each change (a member added, updated or removed; a snapshot restored); returns the unsubscribe. */
  onChange(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  private changed(): void {
    for (const fn of [...this.listeners]) fn();
  }

  has(id: RaftId): boolean {
    return this.byId.has(id);
  }

  get(id: RaftId): RaftMember | undefined {
    return this.byId.get(id);
  }

  isRemoved(id: RaftId): boolean {
    return this.removedIds.has(id);
  }

  set(m: RaftMember): void {
    this.byId.set(m.raftId, m);
    this.changed();
  }

  remove(id: RaftId): void {
    this.byId.delete(id);
    this.removedIds.add(id);
    this.changed();
  }

  list(): RaftMember[] {
    return [...this.byId.values()];
  }

  removed(): RaftId[] {
    return [...this.removedIds];
  }

  /** Replaces everything (restore from a snapshot). */
  load(members: readonly RaftMember[], removed: readonly RaftId[]): void {
    this.byId.clear();
    this.removedIds.clear();
    for (const m of members) this.byId.set(m.raftId, m);
    for (const id of removed) this.removedIds.add(id);
    this.changed();
  }

  /**
   * SwarmKit's CanRemoveMember: the members left after removing `id` that are
   * reachable (self always; others when the transport says active) must still
   * be a quorum of the current membership, `id` included.
   */
  canRemove(id: RaftId, self: RaftId, active: (id: RaftId) => boolean): boolean {
    let nreachable = 0;
    for (const m of this.byId.values()) {
      if (m.raftId === id) continue;
      if (m.raftId === self || active(m.raftId)) nreachable++;
    }
    const nquorum = Math.floor((this.byId.size - 1) / 2) + 1;
    return nreachable >= nquorum;
  }
}
