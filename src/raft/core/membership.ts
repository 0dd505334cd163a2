import { decodeConfChange } from "../codec.ts";
import { type ConfChange, type ConfState, NONE, type RaftId } from "../types.ts";
import { Progress } from "./progress.ts";
import { Replication } from "./replication.ts";

/** Who is in the cluster: applied conf changes, and the members a bootstrapped log names. */
export abstract class Membership extends Replication {
  /** Called by the shell when a committed confChange entry is applied. */
  applyConfChange(cc: ConfChange): ConfState {
    switch (cc.type) {
      case "addNode":
        this.addNode(cc.nodeId);
        break;
      case "removeNode":
        this.removeNode(cc.nodeId);
        break;
      case "updateNode":
        break;
    }
    return { voters: this.voters() };
  }

  /** A bootstrapped cluster has no confState yet: its committed addNode entries say who is in it. */
  protected adoptBootstrapMembers(): void {
    const first = this.raftLog.firstIndex();
    if (this.raftLog.committed < first) return;
    for (const e of this.raftLog.slice(first, this.raftLog.committed + 1, Number.POSITIVE_INFINITY)) {
      if (e.type !== "confChange") continue;
      const cc = decodeConfChange(e.data);
      if (cc.type === "addNode") this.addNode(cc.nodeId);
      else if (cc.type === "removeNode") this.removeNode(cc.nodeId);
    }
  }

  private addNode(id: RaftId): void {
    if (this.prs.has(id)) return;
    const pr = new Progress(this.raftLog.lastIndex() + 1, this.cfg.maxInflightMsgs);
    if (id === this.id) pr.match = this.raftLog.lastIndex();
    // A new member counts as active, or check-quorum would step the leader down at once.
    pr.recentActive = true;
    this.prs.set(id, pr);
    this.removed.delete(id);
  }

  private removeNode(id: RaftId): void {
    this.prs.delete(id);
    if (id !== this.id) this.removed.add(id);
    if (this.prs.size === 0) return;
    if (this.role === "leader") {
      if (this.maybeCommit()) this.bcastAppend();
      if (this.leadTransferee === id) this.leadTransferee = NONE;
    }
  }
}
