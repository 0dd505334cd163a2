import type { CoreConfig } from "../../../../src/raft/core/config.ts";
import { RaftCore } from "../../../../src/raft/core/index.ts";
import { Raft } from "../../../../src/raft/core/raft.ts";

/**
 * Copies of the core with one Raft rule deliberately broken, to show the
 * simulation's checker catches what it claims to. Each breaks the one object
 * that owns the rule, before the core first steps anything.
 */

/** Commits whatever a quorum holds, even an entry of an earlier term (Raft paper, figure 8). */
export class CommitsPreviousTermCore extends RaftCore {
  constructor(cfg: CoreConfig) {
    const r = new Raft(cfg);
    const log = r.raftLog;
    log.maybeCommit = (maxIndex) => {
      if (maxIndex <= log.committed) return false;
      log.commitTo(maxIndex);
      return true;
    };
    super(cfg, r);
  }
}

/** Grants votes without checking that the candidate's log is at least as up to date (Raft §5.4.1). */
export class VotesForStaleLogsCore extends RaftCore {
  constructor(cfg: CoreConfig) {
    const r = new Raft(cfg);
    r.raftLog.isUpToDate = () => true;
    super(cfg, r);
  }
}

/** Confirms a read at its commit index at once, without asking a quorum whether it still leads. */
export class ReadsWithoutQuorumCore extends RaftCore {
  constructor(cfg: CoreConfig) {
    const r = new Raft(cfg);
    const step = r.step.bind(r);
    r.step = (m) => {
      if (m.type === "MsgReadIndex" && r.role === "leader" && m.context) {
        r.readStates.push({ index: r.raftLog.committed, ctx: m.context });
        return;
      }
      step(m);
    };
    super(cfg, r);
  }
}
