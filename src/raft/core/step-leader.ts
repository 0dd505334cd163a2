import { type Message, NONE } from "../types.ts";
import { ErrProposalDropped } from "./errors.ts";
import { msg } from "./messages.ts";
import type { Raft } from "./raft.ts";
import { recvReadAck, releasePendingReadIndex, stepReadIndex } from "./read-index.ts";
import { appendEntry, bcastAppend, bcastHeartbeat, maybeCommit, maybeSendAppend, sendAppend } from "./replication.ts";

/**
 * A leader's answers: heartbeats and the check-quorum it steps itself,
 * proposals, reads (read-index.ts), each follower's acknowledgements and reports, and a leadership
 * transfer (caught up: MsgTimeoutNow; else entries first).
 */
export function stepLeader(r: Raft, m: Message): void {
  switch (m.type) {
    case "MsgBeat":
      // The newest read still waiting rides along: a round whose heartbeats were lost is asked again.
      bcastHeartbeat(r, r.readOnly.lastPendingCtx());
      return;
    case "MsgCheckQuorum":
      if (!r.trk.quorumActive(r.id)) r.becomeFollower(r.term, NONE);
      r.trk.resetRecentActive(r.id);
      return;
    case "MsgProp":
      propose(r, m);
      return;
    case "MsgReadIndex":
      stepReadIndex(r, m);
      return;
  }

  const pr = r.trk.get(m.from);
  if (!pr) return;
  switch (m.type) {
    case "MsgAppResp":
      pr.recentActive = true;
      if (m.reject) {
        if (pr.maybeDecrTo(m.index, m.rejectHint)) {
          if (pr.state === "replicate") pr.becomeProbe();
          sendAppend(r, m.from);
        }
      } else {
        const oldPaused = pr.isPaused();
        if (pr.maybeUpdate(m.index)) {
          if (pr.state === "probe") pr.becomeReplicate();
          else if (pr.needSnapshotAbort()) pr.becomeProbe();
          else if (pr.state === "replicate") pr.inflights.freeLE(m.index);
          if (maybeCommit(r)) {
            releasePendingReadIndex(r);
            bcastAppend(r);
          } else if (oldPaused) sendAppend(r, m.from);
          // Pipelining: keep sending while the window allows.
          while (maybeSendAppend(r, m.from, false)) {}
          if (m.from === r.leadTransferee && pr.match === r.raftLog.lastIndex()) {
            r.send(msg({ type: "MsgTimeoutNow", to: m.from }));
          }
        }
      }
      return;
    case "MsgHeartbeatResp":
      pr.recentActive = true;
      pr.paused = false;
      if (pr.state === "replicate" && pr.inflights.full()) pr.inflights.freeFirstOne();
      if (pr.match < r.raftLog.lastIndex()) sendAppend(r, m.from);
      recvReadAck(r, m);
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
      if (r.leadTransferee !== NONE) {
        if (r.leadTransferee === transferee) return;
        r.leadTransferee = NONE;
      }
      if (transferee === r.id) return;
      r.electionElapsed = 0;
      r.leadTransferee = transferee;
      if (pr.match === r.raftLog.lastIndex()) r.send(msg({ type: "MsgTimeoutNow", to: transferee }));
      else sendAppend(r, transferee);
      return;
    }
  }
}

/** Appends a proposal, unless we left the cluster, hand leadership over, or a conf change is pending. */
function propose(r: Raft, m: Message): void {
  if (!r.trk.has(r.id)) throw new ErrProposalDropped("raft proposal dropped: removed from the cluster");
  if (r.leadTransferee !== NONE) {
    throw new ErrProposalDropped("raft proposal dropped: leadership transfer in progress");
  }
  for (const e of m.entries) {
    if (e.type !== "confChange") continue;
    if (r.pendingConfIndex > r.raftLog.applied) {
      throw new ErrProposalDropped("raft proposal dropped: a configuration change is already pending");
    }
  }
  const base = r.raftLog.lastIndex();
  m.entries.forEach((e, i) => {
    if (e.type === "confChange") r.pendingConfIndex = base + i + 1;
  });
  appendEntry(r, [...m.entries]);
  bcastAppend(r);
}
