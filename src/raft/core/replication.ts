import type { Entry, RaftId, Snapshot } from "../types.ts";
import { CoreState } from "./core-state.ts";
import { ErrCompacted, ErrSnapshotTemporarilyUnavailable, ErrUnavailable, RaftInvariantError } from "./errors.ts";
import { msg } from "./messages.ts";
import { committedIndex } from "./quorum.ts";

/**
 * The leader's side of the log: appending its own entries, sending each
 * follower what its progress allows (entries, or a snapshot once they are
 * compacted away), heartbeats, and committing what a quorum holds.
 */
export abstract class Replication extends CoreState {
  /** Sends entries (or a snapshot) to `to` if its progress allows; returns whether a message went out. */
  protected maybeSendAppend(to: RaftId, sendIfEmpty: boolean): boolean {
    const pr = this.prs.get(to);
    if (!pr || pr.isPaused()) return false;
    let term = 0;
    let ents: Entry[] = [];
    let unavailable = false;
    try {
      term = this.raftLog.term(pr.next - 1);
      ents = this.raftLog.entries(pr.next, this.cfg.maxSizePerMsg);
    } catch (e) {
      if (!(e instanceof ErrCompacted || e instanceof ErrUnavailable)) throw e;
      unavailable = true;
    }
    if (ents.length === 0 && !sendIfEmpty && !unavailable) return false;
    if (unavailable) {
      if (!pr.recentActive) return false;
      let snapshot: Snapshot;
      try {
        snapshot = this.raftLog.snapshot();
      } catch (e) {
        if (e instanceof ErrSnapshotTemporarilyUnavailable) return false;
        throw e;
      }
      if (snapshot.metadata.index === 0) throw new RaftInvariantError("need non-empty snapshot");
      pr.becomeSnapshot(snapshot.metadata.index);
      this.send(msg({ type: "MsgSnap", to, snapshot }));
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
    this.send(
      msg({ type: "MsgApp", to, index: prevIndex, logTerm: term, entries: ents, commit: this.raftLog.committed }),
    );
    return true;
  }

  protected sendAppend(to: RaftId): void {
    this.maybeSendAppend(to, true);
  }

  protected bcastAppend(): void {
    for (const id of this.prs.keys()) if (id !== this.id) this.sendAppend(id);
  }

  protected bcastHeartbeat(): void {
    for (const [id, pr] of this.prs) {
      if (id === this.id) continue;
      this.send(msg({ type: "MsgHeartbeat", to: id, commit: Math.min(pr.match, this.raftLog.committed) }));
    }
  }

  protected appendEntry(es: Entry[]): void {
    let li = this.raftLog.lastIndex();
    const stamped = es.map((e) => ({ term: this.term, index: ++li, type: e.type, data: e.data }));
    li = this.raftLog.append(stamped);
    this.prs.get(this.id)?.maybeUpdate(li);
    this.maybeCommit();
  }

  /** Advances the commit index to what a quorum holds, counting only entries of the current term. */
  protected maybeCommit(): boolean {
    const mci = committedIndex(this.prs.keys(), (id) => this.prs.get(id)!.match);
    return this.raftLog.maybeCommit(mci, this.term);
  }
}
