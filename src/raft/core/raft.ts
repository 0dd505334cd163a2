import {
  type ConfChange,
  type ConfState,
  type HardState,
  type Message,
  type MessageType,
  NONE,
  type RaftId,
  type RaftRole,
  type ReadState,
  type Snapshot,
  type SoftState,
} from "../types.ts";
import { applyToTracker } from "./confchange/confchange.ts";
import { decodeConfChange } from "./confchange/wire.ts";
import type { CoreConfig } from "./config.ts";
import { RaftInvariantError } from "./errors.ts";
import { CAMPAIGN_TRANSFER, EMPTY, isCampaignTransfer, msg, voteRespType } from "./messages.ts";
import { RaftLog } from "./raft-log.ts";
import { releasePendingReadIndex } from "./read-index.ts";
import { ReadOnly } from "./read-only.ts";
import { appendEntry, bcastAppend, maybeCommit } from "./replication.ts";
import { stepCandidate } from "./step-candidate.ts";
import { stepFollower } from "./step-follower.ts";
import { stepLeader } from "./step-leader.ts";
import type { LogStorage } from "./storage.ts";
import { ProgressTracker } from "./tracker/tracker.ts";

export type CampaignKind = "preElection" | "election" | "transfer";

/** A brand-new cluster's log: no conf state yet, its members named by committed addNode entries. */
export const isBootstrapped = (s: LogStorage): boolean =>
  s.initialState().confState.voters.length === 0 && s.snapshot().metadata.index === 0;

/**
 * The Raft state (etcd's raft.go): term, vote, role, the log, the tracker,
 * the outbox; the role changes (become*), the ticks, and the step dispatcher
 * that hands each message to its role's step (step-leader.ts,
 * step-follower.ts, step-candidate.ts), plain functions over this state.
 * Fields are open to those functions; outside the core only RaftCore is seen.
 */
export class Raft {
  readonly id: RaftId;
  readonly cfg: CoreConfig;
  readonly raftLog: RaftLog;
  readonly trk: ProgressTracker;
  term = 0;
  vote: RaftId = NONE;
  role: RaftRole = "follower";
  lead: RaftId = NONE;
  /** Messages for the next Ready. */
  msgs: Message[] = [];
  leadTransferee: RaftId = NONE;
  pendingConfIndex = 0;
  electionElapsed = 0;
  heartbeatElapsed = 0;
  randomizedElectionTimeout = 0;
  /** Reads the leader asked a quorum to confirm (read-index.ts); dropped with leadership. */
  readOnly = new ReadOnly();
  /** Reads that arrived before the leader committed an entry of its term. */
  pendingReadIndexMessages: Message[] = [];
  /** Confirmed reads for the next Ready. */
  readStates: ReadState[] = [];

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
    this.trk = new ProgressTracker(cfg.maxInflightMsgs);
    const { hardState, confState } = cfg.storage.initialState();
    this.trk.resetProgress(confState.voters, 0, NONE);
    if (hardState.term !== 0 || hardState.commit !== 0 || hardState.vote !== NONE) this.loadState(hardState);
    if (isBootstrapped(cfg.storage)) this.adoptBootstrapMembers();
    if (cfg.applied && cfg.applied > 0) this.raftLog.appliedTo(cfg.applied);
    this.becomeFollower(this.term, NONE);
  }

  /** A member that may campaign: a voter of the current configuration. */
  promotable(): boolean {
    return this.trk.has(this.id);
  }

  /** Queues m for the next Ready, from us; vote messages carry their own term, the others ours. */
  send(m: Message): void {
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

  // --- roles ----------------------------------------------------------------

  private reset(term: number): void {
    if (this.term !== term) {
      this.term = term;
      this.vote = NONE;
    }
    this.lead = NONE;
    this.electionElapsed = 0;
    this.heartbeatElapsed = 0;
    this.randomizedElectionTimeout = this.cfg.electionTick + Math.floor(this.cfg.random() * this.cfg.electionTick);
    this.leadTransferee = NONE;
    this.trk.resetVotes();
    this.trk.resetProgress([...this.trk.progress.keys()], this.raftLog.lastIndex(), this.id);
    this.pendingConfIndex = 0;
    // A read confirmed for an earlier leadership, or for none, must not be released under this one.
    this.readOnly = new ReadOnly();
    this.pendingReadIndexMessages = [];
  }

  becomeFollower(term: number, lead: RaftId): void {
    this.reset(term);
    this.lead = lead;
    this.role = "follower";
  }

  becomeCandidate(): void {
    if (this.role === "leader") throw new RaftInvariantError("invalid transition [leader -> candidate]");
    this.reset(this.term + 1);
    this.vote = this.id;
    this.role = "candidate";
  }

  becomePreCandidate(): void {
    if (this.role === "leader") throw new RaftInvariantError("invalid transition [leader -> pre-candidate]");
    // Pre-vote does not change the term nor the vote.
    this.trk.resetVotes();
    this.lead = NONE;
    this.role = "preCandidate";
  }

  becomeLeader(): void {
    if (this.role === "follower") throw new RaftInvariantError("invalid transition [follower -> leader]");
    this.reset(this.term);
    this.lead = this.id;
    this.role = "leader";
    this.trk.get(this.id)?.becomeReplicate();
    // Conservatively: a conf change may be pending in the uncommitted tail.
    this.pendingConfIndex = this.raftLog.lastIndex();
    appendEntry(this, [{ term: 0, index: 0, type: "normal", data: EMPTY }]);
  }

  // --- ticks ----------------------------------------------------------------

  tick(): void {
    if (this.role === "leader") this.tickHeartbeat();
    else this.tickElection();
  }

  private tickElection(): void {
    this.electionElapsed++;
    if (this.promotable() && this.electionElapsed >= this.randomizedElectionTimeout) {
      this.electionElapsed = 0;
      this.step(msg({ type: "MsgHup", from: this.id, to: this.id }));
    }
  }

  private tickHeartbeat(): void {
    this.heartbeatElapsed++;
    this.electionElapsed++;
    if (this.electionElapsed >= this.cfg.electionTick) {
      this.electionElapsed = 0;
      if (this.cfg.checkQuorum) this.step(msg({ type: "MsgCheckQuorum", from: this.id, to: this.id }));
      // A transfer that did not finish within an election timeout is abandoned.
      if (this.role === "leader" && this.leadTransferee !== NONE) this.leadTransferee = NONE;
    }
    if (this.role !== "leader") return;
    if (this.heartbeatElapsed >= this.cfg.heartbeatTick) {
      this.heartbeatElapsed = 0;
      this.step(msg({ type: "MsgBeat", from: this.id, to: this.id }));
    }
  }

  // --- the step dispatcher --------------------------------------------------

  /**
   * A message's term first (a newer one makes us follow, a stale one is
   * answered or dropped), then votes, then the role's own step. Local
   * messages (term 0) skip the term checks.
   */
  step(m: Message): void {
    if (m.term === 0) {
      // local message
    } else if (m.term > this.term) {
      if (m.type === "MsgVote" || m.type === "MsgPreVote") {
        const force = isCampaignTransfer(m.context);
        const inLease = this.cfg.checkQuorum && this.lead !== NONE && this.electionElapsed < this.cfg.electionTick;
        // Heard from a leader within the minimum election timeout: keep it (the lease).
        if (!force && inLease) return;
      }
      if (m.type === "MsgPreVote") {
        // never change the term for a pre-vote
      } else if (m.type === "MsgPreVoteResp" && !m.reject) {
        // the term is bumped when the pre-vote wins
      } else if (m.type === "MsgApp" || m.type === "MsgHeartbeat" || m.type === "MsgSnap") {
        this.becomeFollower(m.term, m.from);
      } else {
        this.becomeFollower(m.term, NONE);
      }
    } else if (m.term < this.term) {
      if ((this.cfg.checkQuorum || this.cfg.preVote) && (m.type === "MsgHeartbeat" || m.type === "MsgApp")) {
        // A stale leader cut off by a partition learns the new term and steps down.
        this.send(msg({ type: "MsgAppResp", to: m.from }));
      } else if (m.type === "MsgPreVote") {
        this.send(msg({ type: "MsgPreVoteResp", to: m.from, term: this.term, reject: true }));
      }
      return;
    }

    switch (m.type) {
      case "MsgHup":
        this.hup();
        return;
      case "MsgVote":
      case "MsgPreVote":
        this.answerVote(m);
        return;
      default:
        if (this.role === "leader") stepLeader(this, m);
        else if (this.role === "follower") stepFollower(this, m);
        else stepCandidate(this, m);
    }
  }

  private answerVote(m: Message): void {
    const canVote =
      this.vote === m.from ||
      (this.vote === NONE && this.lead === NONE) ||
      (m.type === "MsgPreVote" && m.term > this.term);
    if (canVote && this.raftLog.isUpToDate(m.index, m.logTerm)) {
      this.send(msg({ type: voteRespType(m.type), to: m.from, term: m.term }));
      if (m.type === "MsgVote") {
        this.electionElapsed = 0;
        this.vote = m.from;
      }
    } else {
      this.send(msg({ type: voteRespType(m.type), to: m.from, term: this.term, reject: true }));
    }
  }

  // --- campaigns --------------------------------------------------------------

  /** MsgHup: campaign, unless we lead already, are no voter, or a committed conf change awaits its apply. */
  hup(): void {
    if (this.role === "leader") return;
    if (!this.promotable()) return;
    // Cannot campaign while a committed conf change is not yet applied.
    const from = Math.max(this.raftLog.applied + 1, this.raftLog.firstIndex());
    if (this.raftLog.committed >= from) {
      const ents = this.raftLog.slice(from, this.raftLog.committed + 1, Number.POSITIVE_INFINITY);
      if (ents.some((e) => e.type === "confChange")) return;
    }
    this.campaign(this.cfg.preVote ? "preElection" : "election");
  }

  campaign(kind: CampaignKind): void {
    if (!this.promotable()) return;
    let voteMsg: MessageType;
    let term: number;
    if (kind === "preElection") {
      this.becomePreCandidate();
      voteMsg = "MsgPreVote";
      term = this.term + 1;
    } else {
      this.becomeCandidate();
      voteMsg = "MsgVote";
      term = this.term;
    }
    if (this.trk.recordVote(this.id, true) === "won") {
      if (kind === "preElection") this.campaign("election");
      else this.becomeLeader();
      return;
    }
    const lastIndex = this.raftLog.lastIndex();
    const lastTerm = this.raftLog.lastTerm();
    for (const id of this.trk.voters()) {
      if (id === this.id) continue;
      this.send(
        msg({
          type: voteMsg,
          to: id,
          term,
          index: lastIndex,
          logTerm: lastTerm,
          ...(kind === "transfer" ? { context: CAMPAIGN_TRANSFER } : {}),
        }),
      );
    }
  }

  // --- membership and snapshots ---------------------------------------------

  /** A committed conf change the shell applied. */
  applyConfChange(cc: ConfChange): ConfState {
    this.changeConf(cc);
    return { voters: this.trk.voters() };
  }

  private changeConf(cc: ConfChange): void {
    const removed = applyToTracker(this.trk, cc, this.id, this.raftLog.lastIndex());
    if (!removed || this.trk.size === 0 || this.role !== "leader") return;
    // A smaller quorum may commit more; a transfer to the removed member is over.
    if (maybeCommit(this)) {
      releasePendingReadIndex(this);
      bcastAppend(this);
    }
    if (this.leadTransferee === cc.nodeId) this.leadTransferee = NONE;
  }

  /** A bootstrapped cluster has no confState yet: its committed addNode entries say who is in it. */
  private adoptBootstrapMembers(): void {
    const first = this.raftLog.firstIndex();
    if (this.raftLog.committed < first) return;
    for (const e of this.raftLog.slice(first, this.raftLog.committed + 1, Number.POSITIVE_INFINITY)) {
      if (e.type !== "confChange") continue;
      this.changeConf(decodeConfChange(e.data));
    }
  }

  /** Installs a leader's snapshot unless we already have (and committed) what it holds. */
  restore(s: Snapshot): boolean {
    if (s.metadata.index <= this.raftLog.committed) return false;
    if (this.raftLog.matchTerm(s.metadata.index, s.metadata.term)) {
      // We have the entries: just fast-forward the commit.
      this.raftLog.commitTo(s.metadata.index);
      return false;
    }
    this.raftLog.restore(s);
    this.trk.resetProgress(s.metadata.confState.voters, this.raftLog.lastIndex(), this.id);
    return true;
  }

  // --- state ----------------------------------------------------------------

  softState(): SoftState {
    return { lead: this.lead, role: this.role };
  }

  hardState(): HardState {
    return { term: this.term, vote: this.vote, commit: this.raftLog.committed };
  }

  private loadState(hs: HardState): void {
    if (hs.commit < this.raftLog.committed || hs.commit > this.raftLog.lastIndex()) {
      throw new RaftInvariantError(
        `hs.commit ${hs.commit} is out of range [${this.raftLog.committed}, ${this.raftLog.lastIndex()}]`,
      );
    }
    this.raftLog.committed = hs.commit;
    this.term = hs.term;
    this.vote = hs.vote;
  }
}
