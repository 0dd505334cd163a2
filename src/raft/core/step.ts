import { type Message, NONE } from "../types.ts";
import { isCampaignTransfer, msg, voteRespType } from "./messages.ts";
import { LeaderSteps } from "./step-leader.ts";

/**
 * The step dispatcher: a message's term first (a newer one makes us follow, a
 * stale one is answered or dropped), then votes, then the role's own step.
 * The ticks step their local messages (MsgHup, MsgCheckQuorum, MsgBeat) here too.
 */
export abstract class Stepping extends LeaderSteps {
  protected stepInternal(m: Message): void {
    if (m.term === 0) {
      // local message
    } else if (m.term > this.term) {
      if (m.type === "MsgVote" || m.type === "MsgPreVote") {
        const force = isCampaignTransfer(m.context);
        const inLease = this.cfg.checkQuorum && this.lead !== NONE && this.electionElapsed < this.cfg.electionTick;
        // Heard from a leader within the minimum election timeout: keep it (the lease).
        if (!force && inLease) return;
      }
      if (m.type === "MsgPreVote") {
        // never change the term for a pre-vote
      } else if (m.type === "MsgPreVoteResp" && !m.reject) {
        // the term is bumped when the pre-vote wins
      } else if (m.type === "MsgApp" || m.type === "MsgHeartbeat" || m.type === "MsgSnap") {
        this.becomeFollower(m.term, m.from);
      } else {
        this.becomeFollower(m.term, NONE);
      }
    } else if (m.term < this.term) {
      if ((this.cfg.checkQuorum || this.cfg.preVote) && (m.type === "MsgHeartbeat" || m.type === "MsgApp")) {
        // A stale leader cut off by a partition learns the new term and steps down.
        this.send(msg({ type: "MsgAppResp", to: m.from }));
      } else if (m.type === "MsgPreVote") {
        this.send(msg({ type: "MsgPreVoteResp", to: m.from, term: this.term, reject: true }));
      }
      return;
    }

    switch (m.type) {
      case "MsgHup":
        this.hup();
        return;
      case "MsgVote":
      case "MsgPreVote": {
        const canVote =
          this.vote === m.from ||
          (this.vote === NONE && this.lead === NONE) ||
          (m.type === "MsgPreVote" && m.term > this.term);
        if (canVote && this.raftLog.isUpToDate(m.index, m.logTerm)) {
          this.send(msg({ type: voteRespType(m.type), to: m.from, term: m.term }));
          if (m.type === "MsgVote") {
            this.electionElapsed = 0;
            this.vote = m.from;
          }
        } else {
          this.send(msg({ type: voteRespType(m.type), to: m.from, term: this.term, reject: true }));
        }
        return;
      }
      default:
        if (this.role === "leader") this.stepLeader(m);
        else if (this.role === "follower") this.stepFollower(m);
        else this.stepCandidate(m);
    }
  }

  protected tickElection(): void {
    this.electionElapsed++;
    if (this.promotable() && this.electionElapsed >= this.randomizedElectionTimeout) {
      this.electionElapsed = 0;
      this.stepInternal(msg({ type: "MsgHup", from: this.id, to: this.id }));
    }
  }

  protected tickHeartbeat(): void {
    this.heartbeatElapsed++;
    this.electionElapsed++;
    if (this.electionElapsed >= this.cfg.electionTick) {
      this.electionElapsed = 0;
      if (this.cfg.checkQuorum) this.stepInternal(msg({ type: "MsgCheckQuorum", from: this.id, to: this.id }));
      // A transfer that did not finish within an election timeout is abandoned.
      if (this.role === "leader" && this.leadTransferee !== NONE) this.leadTransferee = NONE;
    }
    if (this.role !== "leader") return;
    if (this.heartbeatElapsed >= this.cfg.heartbeatTick) {
      this.heartbeatElapsed = 0;
      this.stepInternal(msg({ type: "MsgBeat", from: this.id, to: this.id }));
    }
  }
}
