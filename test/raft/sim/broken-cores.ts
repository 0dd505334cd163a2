import { RaftCore } from "../../../src/raft/core/index.ts";
import { committedIndex } from "../../../src/raft/core/quorum.ts";

/**
 * Copies of the core with one Raft rule deliberately broken, to show the
 * simulation's checker catches what it claims to.
 */

/** Commits whatever a quorum holds, even an entry of an earlier term (Raft paper, figure 8). */
export class CommitsPreviousTermCore extends RaftCore {
  protected override maybeCommit(): boolean {
    const mci = committedIndex(this.prs.keys(), (id) => this.prs.get(id)!.match);
    if (mci <= this.raftLog.committed) return false;
    this.raftLog.commitTo(mci);
    return true;
  }
}

/** Grants votes without checking that the candidate's log is at least as up to date (Raft §5.4.1). */
export class VotesForStaleLogsCore extends RaftCore {
  constructor(cfg: ConstructorParameters<typeof RaftCore>[0]) {
    super(cfg);
    this.raftLog.isUpToDate = () => true;
  }
}
