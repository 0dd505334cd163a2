import type { Entry, RaftId, Snapshot } from "../types.ts";
import { ErrCompacted, ErrSnapshotTemporarilyUnavailable, ErrUnavailable, RaftInvariantError } from "./errors.ts";
import { msg } from "./messages.ts";
import type { Raft } from "./raft.ts";

/**
 * The leader's side of the log: appending its own entries, sending each
 * follower what its progress allows (entries, or a snapshot once they are
 * compacted away), heartbeats, and committing what a quorum holds.
 */

/** Sends entries (or a snapshot) to `to` if its progress allows; returns whether a message went out. */
export function maybeSendAppend(r: Raft, to: RaftId, sendIfEmpty: boolean): boolean {
  const pr = r.trk.get(to);
  if (!pr || pr.isPaused()) return false;
  let term = 0;
  let ents: Entry[] = [];
  let unavailable = false;
  try {
    term = r.raftLog.term(pr.next - 1);
    ents = r.raftLog.entries(pr.next, r.cfg.maxSizePerMsg);
  } catch (e) {
    if (!(e instanceof ErrCompacted || e instanceof ErrUnavailable)) throw e;
    unavailable = true;
  }
  if (ents.length === 0 && !sendIfEmpty && !unavailable) return false;
  if (unavailable) {
    if (!pr.recentActive) return false;
    let snapshot: Snapshot;
    try {
      snapshot = r.raftLog.snapshot();
    } catch (e) {
      if (e instanceof ErrSnapshotTemporarilyUnavailable) return false;
      throw e;
    }
    if (snapshot.metadata.index === 0) throw new RaftInvariantError("need non-empty snapshot");
    pr.becomeSnapshot(snapshot.metadata.index);
    r.send(msg({ type: "MsgSnap", to, snapshot }));
    return true;
  }
  const prevIndex = pr.next - 1;
  const last = ents[ents.length - 1];
  if (last) {
    if (pr.state === "replicate") {
      pr.optimisticUpdate(last.index);
      pr.inflights.add(last.index);
    } else if (pr.state === "probe") {
      pr.paused = true;
    }
  }
  r.send(msg({ type: "MsgApp", to, index: prevIndex, logTerm: term, entries: ents, commit: r.raftLog.committed }));
  return true;
}

export function sendAppend(r: Raft, to: RaftId): void {
  maybeSendAppend(r, to, true);
}

export function bcastAppend(r: Raft): void {
  for (const id of r.trk.progress.keys()) if (id !== r.id) sendAppend(r, id);
}

/** A heartbeat to every follower; `ctx` (a read-index context) is echoed back in each answer. */
export function bcastHeartbeat(r: Raft, ctx?: Uint8Array): void {
  for (const [id, pr] of r.trk.progress) {
    if (id === r.id) continue;
    const commit = Math.min(pr.match, r.raftLog.committed);
    r.send(msg({ type: "MsgHeartbeat", to: id, commit, ...(ctx ? { context: ctx } : {}) }));
  }
}

export function appendEntry(r: Raft, es: Entry[]): void {
  let li = r.raftLog.lastIndex();
  const stamped = es.map((e) => ({ term: r.term, index: ++li, type: e.type, data: e.data }));
  li = r.raftLog.append(stamped);
  r.trk.get(r.id)?.maybeUpdate(li);
  maybeCommit(r);
}

/** Advances the commit index to what a quorum holds, counting only entries of the current term. */
export function maybeCommit(r: Raft): boolean {
  return r.raftLog.maybeCommit(r.trk.committed(), r.term);
}
