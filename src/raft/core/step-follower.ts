import { type Message, NONE } from "../types.ts";
import { ErrProposalDropped } from "./errors.ts";
import { msg } from "./messages.ts";
import type { Raft } from "./raft.ts";

/**
 * A follower's answers: to the leader's entries, heartbeats and snapshots
 * (each one resets the election timer), and to a leadership transfer. A
 * candidate that learns of a leader answers it the same way (step-candidate.ts).
 */
export function stepFollower(r: Raft, m: Message): void {
  switch (m.type) {
    case "MsgProp":
      throw new ErrProposalDropped(
        r.lead === NONE ? "raft proposal dropped: no leader" : "raft proposal dropped: not the leader",
      );
    case "MsgApp":
    case "MsgHeartbeat":
    case "MsgSnap":
      r.electionElapsed = 0;
      r.lead = m.from;
      handleLeaderMessage(r, m);
      return;
    case "MsgTransferLeader":
      // Forwarded to the leader, keeping who is to take over.
      if (r.lead !== NONE) r.msgs.push({ ...m, to: r.lead, term: r.term });
      return;
    case "MsgTimeoutNow":
      // Leadership transfers never use pre-vote.
      if (r.promotable()) r.campaign("transfer");
      return;
  }
}

/** A leader's MsgApp, MsgHeartbeat or MsgSnap, answered by whoever now follows it. */
export function handleLeaderMessage(r: Raft, m: Message): void {
  if (m.type === "MsgApp") handleAppendEntries(r, m);
  else if (m.type === "MsgHeartbeat") handleHeartbeat(r, m);
  else handleSnapshot(r, m);
}

function handleAppendEntries(r: Raft, m: Message): void {
  if (m.index < r.raftLog.committed) {
    r.send(msg({ type: "MsgAppResp", to: m.from, index: r.raftLog.committed }));
    return;
  }
  const last = r.raftLog.maybeAppend(m.index, m.logTerm, m.commit, m.entries);
  if (last !== undefined) r.send(msg({ type: "MsgAppResp", to: m.from, index: last }));
  else {
    r.send(msg({ type: "MsgAppResp", to: m.from, index: m.index, reject: true, rejectHint: r.raftLog.lastIndex() }));
  }
}

function handleHeartbeat(r: Raft, m: Message): void {
  r.raftLog.commitTo(m.commit);
  r.send(msg({ type: "MsgHeartbeatResp", to: m.from, ...(m.context ? { context: m.context } : {}) }));
}

function handleSnapshot(r: Raft, m: Message): void {
  const s = m.snapshot;
  if (s && r.restore(s)) {
    r.send(msg({ type: "MsgAppResp", to: m.from, index: r.raftLog.lastIndex() }));
  } else {
    r.send(msg({ type: "MsgAppResp", to: m.from, index: r.raftLog.committed }));
  }
}
