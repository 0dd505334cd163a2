import { type Message, type MessageType, NONE, type Snapshot } from "../types.ts";
import { Election } from "./election.ts";
import { ErrProposalDropped } from "./errors.ts";
import { msg } from "./messages.ts";
import { Progress } from "./progress.ts";

/**
 * A follower's and a candidate's answers: to the leader's entries, heartbeats
 * and snapshots, to votes for us, to a leadership transfer.
 */
export abstract class FollowerSteps extends Election {
  protected stepCandidate(m: Message): void {
    const myVoteResp: MessageType = this.role === "preCandidate" ? "MsgPreVoteResp" : "MsgVoteResp";
    switch (m.type) {
      case "MsgProp":
        throw new ErrProposalDropped("raft proposal dropped: no leader");
      case "MsgApp":
        this.becomeFollower(m.term, m.from);
        this.handleAppendEntries(m);
        return;
      case "MsgHeartbeat":
        this.becomeFollower(m.term, m.from);
        this.handleHeartbeat(m);
        return;
      case "MsgSnap":
        this.becomeFollower(m.term, m.from);
        this.handleSnapshot(m);
        return;
      case "MsgTimeoutNow":
        return;
    }
    if (m.type !== myVoteResp) return;
    const res = this.poll(m.from, !m.reject);
    if (res === "won") {
      if (this.role === "preCandidate") this.campaignAs("election");
      else {
        this.becomeLeader();
        this.bcastAppend();
      }
    } else if (res === "lost") {
      // A pre-candidate whose pre-vote was refused keeps its term.
      this.becomeFollower(this.term, NONE);
    }
  }

  protected stepFollower(m: Message): void {
    switch (m.type) {
      case "MsgProp":
        throw new ErrProposalDropped(
          this.lead === NONE ? "raft proposal dropped: no leader" : "raft proposal dropped: not the leader",
        );
      case "MsgApp":
        this.electionElapsed = 0;
        this.lead = m.from;
        this.handleAppendEntries(m);
        return;
      case "MsgHeartbeat":
        this.electionElapsed = 0;
        this.lead = m.from;
        this.handleHeartbeat(m);
        return;
      case "MsgSnap":
        this.electionElapsed = 0;
        this.lead = m.from;
        this.handleSnapshot(m);
        return;
      case "MsgTransferLeader":
        // Forwarded to the leader, keeping who is to take over.
        if (this.lead !== NONE) this.msgs.push({ ...m, to: this.lead, term: this.term });
        return;
      case "MsgTimeoutNow":
        // Leadership transfers never use pre-vote.
        if (this.promotable()) this.campaignAs("transfer");
        return;
    }
  }

  private handleAppendEntries(m: Message): void {
    if (m.index < this.raftLog.committed) {
      this.send(msg({ type: "MsgAppResp", to: m.from, index: this.raftLog.committed }));
      return;
    }
    const last = this.raftLog.maybeAppend(m.index, m.logTerm, m.commit, m.entries);
    if (last !== undefined) this.send(msg({ type: "MsgAppResp", to: m.from, index: last }));
    else {
      this.send(
        msg({ type: "MsgAppResp", to: m.from, index: m.index, reject: true, rejectHint: this.raftLog.lastIndex() }),
      );
    }
  }

  private handleHeartbeat(m: Message): void {
    this.raftLog.commitTo(m.commit);
    this.send(msg({ type: "MsgHeartbeatResp", to: m.from, ...(m.context ? { context: m.context } : {}) }));
  }

  private handleSnapshot(m: Message): void {
    const s = m.snapshot;
    if (s && this.restore(s)) {
      this.send(msg({ type: "MsgAppResp", to: m.from, index: this.raftLog.lastIndex() }));
    } else {
      this.send(msg({ type: "MsgAppResp", to: m.from, index: this.raftLog.committed }));
    }
  }

  /** Installs a leader's snapshot unless we already have (and committed) what it holds. */
  private restore(s: Snapshot): boolean {
    if (s.metadata.index <= this.raftLog.committed) return false;
    if (this.raftLog.matchTerm(s.metadata.index, s.metadata.term)) {
      // We have the entries: just fast-forward the commit.
      this.raftLog.commitTo(s.metadata.index);
      return false;
    }
    this.raftLog.restore(s);
    this.prs = new Map();
    const last = this.raftLog.lastIndex();
    for (const id of s.metadata.confState.voters) {
      const pr = new Progress(last + 1, this.cfg.maxInflightMsgs);
      if (id === this.id) pr.match = last;
      this.prs.set(id, pr);
    }
    return true;
  }
}
