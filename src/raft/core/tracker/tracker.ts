import type { RaftId } from "../../types.ts";
import { committedIndex, majority, type VoteResult, voteResult } from "../quorum.ts";
import { Progress } from "./progress.ts";

/**
 * Who the members are and where each one stands (etcd's tracker.ProgressTracker):
 * every voter's progress, the votes of the campaign under way, and the members
 * that left. Iteration follows insertion order, which is the order the leader
 * sends in, so it is kept as is.
 */
export class ProgressTracker {
  progress = new Map<RaftId, Progress>();
  private votes = new Map<RaftId, boolean>();
  /** Members removed during this core's lifetime: their messages are ignored. */
  readonly removed = new Set<RaftId>();

  constructor(readonly maxInflight: number) {}

  get size(): number {
    return this.progress.size;
  }

  has(id: RaftId): boolean {
    return this.progress.has(id);
  }

  get(id: RaftId): Progress | undefined {
    return this.progress.get(id);
  }

  /** The voters, sorted: what status() and conf states show. */
  voters(): RaftId[] {
    return [...this.progress.keys()].sort();
  }

  isSingleton(id: RaftId): boolean {
    return this.progress.size === 1 && this.progress.has(id);
  }

  /** Every member starts over at last+1, `self` matched up to last (a new term, a snapshot's voters). */
  resetProgress(members: Iterable<RaftId>, last: number, self: RaftId): void {
    const fresh = new Map<RaftId, Progress>();
    for (const id of members) {
      const pr = new Progress(last + 1, this.maxInflight);
      if (id === self) pr.match = last;
      fresh.set(id, pr);
    }
    this.progress = fresh;
  }

  /** Whether a quorum (counting `self`) was heard from since the last check. */
  quorumActive(self: RaftId): boolean {
    let act = 0;
    for (const [id, pr] of this.progress) if (id === self || pr.recentActive) act++;
    return act >= majority(this.progress.size);
  }

  /** Whether `acked` holds a quorum of the voters (a read-index confirmation). */
  hasQuorum(acked: ReadonlySet<RaftId>): boolean {
    const votes = new Map<RaftId, boolean>();
    for (const id of acked) votes.set(id, true);
    return voteResult(this.progress.keys(), votes) === "won";
  }

  /** Forgets who was heard from, so the next check-quorum asks again. */
  resetRecentActive(self: RaftId): void {
    for (const [id, pr] of this.progress) if (id !== self) pr.recentActive = false;
  }

  /** The highest index a quorum of voters holds. */
  committed(): number {
    return committedIndex(this.progress.keys(), (id) => this.progress.get(id)!.match);
  }

  resetVotes(): void {
    this.votes = new Map();
  }

  /** Records id's vote (the first one counts) and tallies the campaign. */
  recordVote(id: RaftId, granted: boolean): VoteResult {
    if (!this.votes.has(id)) this.votes.set(id, granted);
    return voteResult(this.progress.keys(), this.votes);
  }
}
