import type { ConfChange, RaftId } from "../../types.ts";
import { Progress } from "../tracker/progress.ts";
import type { ProgressTracker } from "../tracker/tracker.ts";

/**
 * A ConfChange applied to the tracker (etcd's confchange): one member in or
 * out at a time. `lastIndex` is the log's last index, where a new member's
 * progress starts. Returns whether a member was removed: the caller's quorum
 * shrank, which may commit entries or end a transfer to that member.
 */
export function applyToTracker(trk: ProgressTracker, cc: ConfChange, self: RaftId, lastIndex: number): boolean {
  switch (cc.type) {
    case "addNode":
      addNode(trk, cc.nodeId, self, lastIndex);
      return false;
    case "removeNode":
      removeNode(trk, cc.nodeId, self);
      return true;
    case "updateNode":
      return false;
  }
}

function addNode(trk: ProgressTracker, id: RaftId, self: RaftId, lastIndex: number): void {
  if (trk.has(id)) return;
  const pr = new Progress(lastIndex + 1, trk.maxInflight);
  if (id === self) pr.match = lastIndex;
  // A new member counts as active, or check-quorum would step the leader down at once.
  pr.recentActive = true;
  trk.progress.set(id, pr);
  trk.removed.delete(id);
}

function removeNode(trk: ProgressTracker, id: RaftId, self: RaftId): void {
  trk.progress.delete(id);
  if (id !== self) trk.removed.add(id);
}
