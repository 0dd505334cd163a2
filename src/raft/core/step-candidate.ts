import { type Message, type MessageType, NONE } from "../types.ts";
import { ErrProposalDropped } from "./errors.ts";
import type { Raft } from "./raft.ts";
import { bcastAppend } from "./replication.ts";
import { handleLeaderMessage } from "./step-follower.ts";

/**
 * A candidate's (and pre-candidate's) answers: a leader's message makes it
 * follow that leader; the votes for its campaign are tallied until it wins
 * (pre-candidate: the real election; candidate: leadership) or loses.
 */
export function stepCandidate(r: Raft, m: Message): void {
  const myVoteResp: MessageType = r.role === "preCandidate" ? "MsgPreVoteResp" : "MsgVoteResp";
  switch (m.type) {
    case "MsgProp":
      throw new ErrProposalDropped("raft proposal dropped: no leader");
    case "MsgApp":
    case "MsgHeartbeat":
    case "MsgSnap":
      r.becomeFollower(m.term, m.from);
      handleLeaderMessage(r, m);
      return;
    case "MsgTimeoutNow":
      return;
  }
  if (m.type !== myVoteResp) return;
  const res = r.trk.recordVote(m.from, !m.reject);
  if (res === "won") {
    if (r.role === "preCandidate") r.campaign("election");
    else {
      r.becomeLeader();
      bcastAppend(r);
    }
  } else if (res === "lost") {
    // A pre-candidate whose pre-vote was refused keeps its term.
    r.becomeFollower(r.term, NONE);
  }
}
