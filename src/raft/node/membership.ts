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
  /** Removed IDs, each with the index of the committed conf change that removed it (or an index at or after it). */
  private readonly removedIds = new Map<RaftId, number>();
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

  /** The Raft ID of the member whose node ID is `nodeId` (a handful of members: a scan). */
  raftIdOf(nodeId: string): RaftId | undefined {
    for (const m of this.byId.values()) if (m.nodeId === nodeId) return m.raftId;
    return undefined;
  }

  isRemoved(id: RaftId): boolean {
    return this.removedIds.has(id);
  }

  /** The log index by which `id` was removed (its conf change's, or a snapshot's that holds it); 0 if it was not. */
  removedAt(id: RaftId): number {
    return this.removedIds.get(id) ?? 0;
  }

  set(m: RaftMember): void {
    this.byId.set(m.raftId, m);
    this.changed();
  }

  /** `id` was removed by the conf change committed at `index`. */
  remove(id: RaftId, index: number): void {
    this.byId.delete(id);
    this.removedIds.set(id, index);
    this.changed();
  }

  list(): RaftMember[] {
    return [...this.byId.values()];
  }

  removed(): RaftId[] {
    return [...this.removedIds.keys()];
  }

  /** Replaces everything (restore from the snapshot taken at `index`). */
  load(members: readonly RaftMember[], removed: readonly RaftId[], index: number): void {
    this.byId.clear();
    this.removedIds.clear();
    for (const m of members) this.byId.set(m.raftId, m);
    for (const id of removed) this.removedIds.set(id, index);
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
