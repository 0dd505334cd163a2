import type { Message } from "../types.ts";
import type { Raft } from "./raft.ts";
import { bcastHeartbeat } from "./replication.ts";

/**
 * The leader's side of ReadIndex (Raft thesis §6.4, etcd's ReadOnlySafe): a
 * read may be served at the commit index it saw only once a quorum has
 * confirmed, after the read arrived, that this member still leads. A leader
 * cut off from the others thus never confirms one, though it believes it
 * leads until check-quorum steps it down.
 */

/** Whether the leader has committed an entry of its own term: before, its commit index may be behind. */
const committedInTerm = (r: Raft): boolean => r.raftLog.termOrZero(r.raftLog.committed) === r.term;

/** A local MsgReadIndex (its context in m.context); dropped by anyone but the leader. */
export function stepReadIndex(r: Raft, m: Message): void {
  const ctx = m.context;
  if (r.role !== "leader" || !ctx) return;
  if (r.trk.isSingleton(r.id)) {
    // The only voter: nobody else can have been elected.
    r.readStates.push({ index: r.raftLog.committed, ctx });
    return;
  }
  if (!committedInTerm(r)) {
    r.pendingReadIndexMessages.push(m);
    return;
  }
  r.readOnly.add(r.raftLog.committed, ctx, r.id);
  bcastHeartbeat(r, ctx);
}

/** The leader committed (maybe its term's first entry): the reads held until then go ahead. */
export function releasePendingReadIndex(r: Raft): void {
  if (r.pendingReadIndexMessages.length === 0 || !committedInTerm(r)) return;
  const held = r.pendingReadIndexMessages;
  r.pendingReadIndexMessages = [];
  for (const m of held) stepReadIndex(r, m);
}

/** A follower echoed `m.context` in its heartbeat answer: a quorum of them releases the reads up to it. */
export function recvReadAck(r: Raft, m: Message): void {
  if (!m.context) return;
  const acks = r.readOnly.recvAck(m.from, m.context);
  if (!acks || !r.trk.hasQuorum(acks)) return;
  r.readStates.push(...r.readOnly.advance(m.context));
}
