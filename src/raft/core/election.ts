import { type MessageType, NONE, type RaftId } from "../types.ts";
import { RaftInvariantError } from "./errors.ts";
import { Membership } from "./membership.ts";
import { CAMPAIGN_TRANSFER, EMPTY, msg } from "./messages.ts";
import { Progress } from "./progress.ts";
import { voteResult } from "./quorum.ts";

type CampaignKind = "preElection" | "election" | "transfer";

/** Roles and how they change: the term and vote, campaigns (pre-vote, vote, transfer) and their tally. */
export abstract class Election extends Membership {
  private reset(term: number): void {
    if (this.term !== term) {
      this.term = term;
      this.vote = NONE;
    }
    this.lead = NONE;
    this.electionElapsed = 0;
    this.heartbeatElapsed = 0;
    this.resetRandomizedElectionTimeout();
    this.leadTransferee = NONE;
    this.votes = new Map();
    const last = this.raftLog.lastIndex();
    for (const id of this.prs.keys()) {
      const pr = new Progress(last + 1, this.cfg.maxInflightMsgs);
      if (id === this.id) pr.match = last;
      this.prs.set(id, pr);
    }
    this.pendingConfIndex = 0;
  }

  private resetRandomizedElectionTimeout(): void {
    const r = this.cfg.random();
    this.randomizedElectionTimeout = this.cfg.electionTick + Math.floor(r * this.cfg.electionTick);
  }

  protected becomeFollower(term: number, lead: RaftId): void {
    this.reset(term);
    this.lead = lead;
    this.role = "follower";
  }

  protected becomeCandidate(): void {
    if (this.role === "leader") throw new RaftInvariantError("invalid transition [leader -> candidate]");
    this.reset(this.term + 1);
    this.vote = this.id;
    this.role = "candidate";
  }

  protected becomePreCandidate(): void {
    if (this.role === "leader") throw new RaftInvariantError("invalid transition [leader -> pre-candidate]");
    // Pre-vote does not change the term nor the vote.
    this.votes = new Map();
    this.lead = NONE;
    this.role = "preCandidate";
  }

  protected becomeLeader(): void {
    if (this.role === "follower") throw new RaftInvariantError("invalid transition [follower -> leader]");
    this.reset(this.term);
    this.lead = this.id;
    this.role = "leader";
    this.prs.get(this.id)?.becomeReplicate();
    // Conservatively: a conf change may be pending in the uncommitted tail.
    this.pendingConfIndex = this.raftLog.lastIndex();
    this.appendEntry([{ term: 0, index: 0, type: "normal", data: EMPTY }]);
  }

  /** MsgHup: campaign, unless we lead already, are no voter, or a committed conf change awaits its apply. */
  protected hup(): void {
    if (this.role === "leader") return;
    if (!this.promotable()) return;
    // Cannot campaign while a committed conf change is not yet applied.
    const from = Math.max(this.raftLog.applied + 1, this.raftLog.firstIndex());
    if (this.raftLog.committed >= from) {
      const ents = this.raftLog.slice(from, this.raftLog.committed + 1, Number.POSITIVE_INFINITY);
      if (ents.some((e) => e.type === "confChange")) return;
    }
    this.campaignAs(this.cfg.preVote ? "preElection" : "election");
  }

  protected campaignAs(kind: CampaignKind): void {
    if (!this.promotable()) return;
    let voteMsg: MessageType;
    let term: number;
    if (kind === "preElection") {
      this.becomePreCandidate();
      voteMsg = "MsgPreVote";
      term = this.term + 1;
    } else {
      this.becomeCandidate();
      voteMsg = "MsgVote";
      term = this.term;
    }
    if (this.poll(this.id, true) === "won") {
      if (kind === "preElection") this.campaignAs("election");
      else this.becomeLeader();
      return;
    }
    const lastIndex = this.raftLog.lastIndex();
    const lastTerm = this.raftLog.lastTerm();
    for (const id of this.voters()) {
      if (id === this.id) continue;
      this.send(
        msg({
          type: voteMsg,
          to: id,
          term,
          index: lastIndex,
          logTerm: lastTerm,
          ...(kind === "transfer" ? { context: CAMPAIGN_TRANSFER } : {}),
        }),
      );
    }
  }

  protected poll(id: RaftId, granted: boolean): ReturnType<typeof voteResult> {
    if (!this.votes.has(id)) this.votes.set(id, granted);
    return voteResult(this.prs.keys(), this.votes);
  }
}
