import { type Message, NONE, type RaftId, type RaftRole } from "../types.ts";
import type { CoreConfig } from "./config.ts";
import { RaftInvariantError } from "./errors.ts";
import type { Progress } from "./progress.ts";
import { majority } from "./quorum.ts";
import { RaftLog } from "./raft-log.ts";

/**
 * What every part of the core shares: the Raft state (term, vote, role, log,
 * each member's progress) and the outbox. The core is one class split by
 * concept into layers, each extending the one below so all see one `this`:
 * CoreState → Replication → Membership → Election → FollowerSteps →
 * LeaderSteps → Stepping → RaftCore (raft.ts, the public API and Ready).
 */
export abstract class CoreState {
  readonly id: RaftId;
  protected term = 0;
  protected vote: RaftId = NONE;
  protected readonly raftLog: RaftLog;
  protected prs = new Map<RaftId, Progress>();
  protected role: RaftRole = "follower";
  protected lead: RaftId = NONE;
  protected votes = new Map<RaftId, boolean>();
  protected msgs: Message[] = [];
  protected leadTransferee: RaftId = NONE;
  protected pendingConfIndex = 0;
  /** Members removed during this core's lifetime: their messages are ignored. */
  protected readonly removed = new Set<RaftId>();
  protected electionElapsed = 0;
  protected heartbeatElapsed = 0;
  protected randomizedElectionTimeout = 0;
  protected readonly cfg: CoreConfig;

  constructor(cfg: CoreConfig) {
    if (cfg.id === NONE) throw new RaftInvariantError("cannot use none as id");
    if (cfg.heartbeatTick <= 0) throw new RaftInvariantError("heartbeat tick must be greater than 0");
    if (cfg.electionTick <= cfg.heartbeatTick) {
      throw new RaftInvariantError("election tick must be greater than heartbeat tick");
    }
    if (cfg.maxInflightMsgs <= 0) throw new RaftInvariantError("max inflight messages must be greater than 0");
    this.cfg = cfg;
    this.id = cfg.id;
    this.raftLog = new RaftLog(cfg.storage, cfg.maxSizePerMsg);
  }

  protected voters(): RaftId[] {
    return [...this.prs.keys()].sort();
  }

  protected promotable(): boolean {
    return this.prs.has(this.id);
  }

  protected quorum(): number {
    return majority(this.prs.size);
  }

  protected quorumActive(): boolean {
    let act = 0;
    for (const [id, pr] of this.prs) if (id === this.id || pr.recentActive) act++;
    return act >= this.quorum();
  }

  /** Queues m for the next Ready, from us; vote messages carry their own term, the others ours. */
  protected send(m: Message): void {
    let out: Message = m.from === this.id ? m : { ...m, from: this.id };
    const isVote =
      m.type === "MsgVote" || m.type === "MsgVoteResp" || m.type === "MsgPreVote" || m.type === "MsgPreVoteResp";
    if (isVote) {
      if (m.term === 0) throw new RaftInvariantError(`term should be set when sending ${m.type}`);
    } else {
      if (m.term !== 0) throw new RaftInvariantError(`term should not be set when sending ${m.type} (was ${m.term})`);
      out = { ...out, term: this.term };
    }
    this.msgs.push(out);
  }
}
