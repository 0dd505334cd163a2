import { type Message, NONE } from "../types.ts";
import { ErrProposalDropped } from "./errors.ts";
import { msg } from "./messages.ts";
import { FollowerSteps } from "./step-follower.ts";

/**
 * A leader's answers: heartbeats and the check-quorum it steps itself,
 * proposals, each follower's acknowledgements and reports, and a leadership
 * transfer (caught up: MsgTimeoutNow; else entries first).
 */
export abstract class LeaderSteps extends FollowerSteps {
  protected stepLeader(m: Message): void {
    switch (m.type) {
      case "MsgBeat":
        this.bcastHeartbeat();
        return;
      case "MsgCheckQuorum":
        if (!this.quorumActive()) this.becomeFollower(this.term, NONE);
        for (const [id, pr] of this.prs) if (id !== this.id) pr.recentActive = false;
        return;
      case "MsgProp": {
        if (!this.prs.has(this.id)) throw new ErrProposalDropped("raft proposal dropped: removed from the cluster");
        if (this.leadTransferee !== NONE) {
          throw new ErrProposalDropped("raft proposal dropped: leadership transfer in progress");
        }
        for (const e of m.entries) {
          if (e.type !== "confChange") continue;
          if (this.pendingConfIndex > this.raftLog.applied) {
            throw new ErrProposalDropped("raft proposal dropped: a configuration change is already pending");
          }
        }
        const base = this.raftLog.lastIndex();
        m.entries.forEach((e, i) => {
          if (e.type === "confChange") this.pendingConfIndex = base + i + 1;
        });
        this.appendEntry([...m.entries]);
        this.bcastAppend();
        return;
      }
    }

    const pr = this.prs.get(m.from);
    if (!pr) return;
    switch (m.type) {
      case "MsgAppResp":
        pr.recentActive = true;
        if (m.reject) {
          if (pr.maybeDecrTo(m.index, m.rejectHint)) {
            if (pr.state === "replicate") pr.becomeProbe();
            this.sendAppend(m.from);
          }
        } else {
          const oldPaused = pr.isPaused();
          if (pr.maybeUpdate(m.index)) {
            if (pr.state === "probe") pr.becomeReplicate();
            else if (pr.needSnapshotAbort()) pr.becomeProbe();
            else if (pr.state === "replicate") pr.inflights.freeLE(m.index);
            if (this.maybeCommit()) this.bcastAppend();
            else if (oldPaused) this.sendAppend(m.from);
            // Pipelining: keep sending while the window allows.
            while (this.maybeSendAppend(m.from, false)) {}
            if (m.from === this.leadTransferee && pr.match === this.raftLog.lastIndex()) {
              this.send(msg({ type: "MsgTimeoutNow", to: m.from }));
            }
          }
        }
        return;
      case "MsgHeartbeatResp":
        pr.recentActive = true;
        pr.paused = false;
        if (pr.state === "replicate" && pr.inflights.full()) pr.inflights.freeFirstOne();
        if (pr.match < this.raftLog.lastIndex()) this.sendAppend(m.from);
        return;
      case "MsgSnapStatus":
        if (pr.state !== "snapshot") return;
        if (m.reject) pr.pendingSnapshot = 0;
        pr.becomeProbe();
        // Wait for a MsgAppResp or heartbeat response before sending more.
        pr.paused = true;
        return;
      case "MsgUnreachable":
        if (pr.state === "replicate") pr.becomeProbe();
        return;
      case "MsgTransferLeader": {
        const transferee = m.from;
        if (this.leadTransferee !== NONE) {
          if (this.leadTransferee === transferee) return;
          this.leadTransferee = NONE;
        }
        if (transferee === this.id) return;
        this.electionElapsed = 0;
        this.leadTransferee = transferee;
        if (pr.match === this.raftLog.lastIndex()) this.send(msg({ type: "MsgTimeoutNow", to: transferee }));
        else this.sendAppend(transferee);
        return;
      }
    }
  }
}
