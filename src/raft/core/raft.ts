import { decodeConfChange, encodeConfChange } from "../codec.ts";
import {
  type ConfChange,
  type ConfState,
  type Entry,
  type HardState,
  type Message,
  type MessageType,
  NONE,
  type RaftId,
  type RaftRole,
  type Ready,
  type Snapshot,
  type SoftState,
} from "../types.ts";
import type { CoreConfig } from "./config.ts";
import {
  ErrCompacted,
  ErrProposalDropped,
  ErrSnapshotTemporarilyUnavailable,
  ErrStepLocalMsg,
  ErrUnavailable,
  RaftInvariantError,
} from "./errors.ts";
import type { MemoryStorage } from "./memory-storage.ts";
import {
  CAMPAIGN_TRANSFER,
  isCampaignTransfer,
  LOCAL_TYPES,
  msg,
  validatePeerMessage,
  voteRespType,
} from "./messages.ts";
import { Progress } from "./progress.ts";
import { committedIndex, majority, voteResult } from "./quorum.ts";
import { RaftLog } from "./raft-log.ts";

type CampaignKind = "preElection" | "election" | "transfer";

export interface CoreStatus {
  id: RaftId;
  term: number;
  lead: RaftId;
  role: RaftRole;
  commit: number;
  applied: number;
  voters: RaftId[];
  progress: Record<RaftId, { match: number; next: number; recentActive: boolean }>;
}

const EMPTY = new Uint8Array(0);

/**
 * The Raft state machine in etcd/raft's way: no I/O, no clock, no randomness
 * of its own. Ticks and peer messages go in; a Ready batch comes out, which the
 * shell persists (hardState, entries, snapshot), then sends (messages), then
 * applies (committedEntries), then hands back through advance().
 */
export class RaftCore {
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
  /** SwarmKit's campaignWhenAble: after a restart, campaign as soon as the applied config is just us. */
  private campaignWhenAble = false;
  private readonly cfg: CoreConfig;
  private prevSoft: SoftState;
  private prevHard: HardState;

  /**
   * Writes a brand-new cluster's first state into empty storage (etcd's
   * Bootstrap): one committed addNode entry per member, at term 1. The core
   * built on it adds those members at once; the shell applies the entries too.
   */
  static bootstrap(storage: MemoryStorage, members: RaftId[], contexts?: Record<RaftId, Uint8Array>): void {
    if (storage.lastIndex() !== 0) throw new RaftInvariantError("can't bootstrap a nonempty storage");
    if (members.length === 0) throw new RaftInvariantError("must provide at least one member");
    const ents: Entry[] = members.map((id, i) => ({
      term: 1,
      index: i + 1,
      type: "confChange",
      data: encodeConfChange({ type: "addNode", nodeId: id, context: contexts?.[id] ?? EMPTY }),
    }));
    storage.append(ents);
    storage.setHardState({ term: 1, vote: NONE, commit: ents.length });
  }

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
    const { hardState, confState } = cfg.storage.initialState();
    for (const v of confState.voters) this.prs.set(v, new Progress(1, cfg.maxInflightMsgs));
    if (hardState.term !== 0 || hardState.commit !== 0 || hardState.vote !== NONE) this.loadState(hardState);
    const bootstrapped = confState.voters.length === 0 && cfg.storage.snapshot().metadata.index === 0;
    if (bootstrapped) this.adoptBootstrapMembers();
    if (cfg.applied && cfg.applied > 0) this.raftLog.appliedTo(cfg.applied);
    this.becomeFollower(this.term, NONE);
    this.prevSoft = this.softState();
    this.prevHard = this.hardState();
    // SwarmKit: a new single-member cluster campaigns at once. A restarted one
    // too, once it has applied what it committed (the config may have grown).
    if (bootstrapped && this.prs.size === 1 && this.prs.has(this.id)) {
      this.campaignAs(this.cfg.preVote ? "preElection" : "election");
    } else {
      this.campaignWhenAble = true;
      this.maybeCampaignWhenAble();
    }
  }

  // --- public API -----------------------------------------------------------

  tick(): void {
    if (this.role === "leader") this.tickHeartbeat();
    else this.tickElection();
  }

  /**
   * A message from a peer. Local-only types are refused (ErrStepLocalMsg),
   * malformed ones too (ErrInvalidMessage); either leaves the core untouched.
   */
  step(m: Message): void {
    if (LOCAL_TYPES.has(m.type)) throw new ErrStepLocalMsg(m.type);
    validatePeerMessage(m);
    if (this.removed.has(m.from)) return;
    if (isResponse(m.type) && !this.prs.has(m.from)) return;
    this.stepInternal(m);
  }

  campaign(): void {
    this.stepInternal(msg({ type: "MsgHup", from: this.id, to: this.id }));
  }

  propose(data: Uint8Array): void {
    this.stepInternal(
      msg({ type: "MsgProp", from: this.id, to: this.id, entries: [{ term: 0, index: 0, type: "normal", data }] }),
    );
  }

  proposeConfChange(cc: ConfChange): void {
    this.stepInternal(
      msg({
        type: "MsgProp",
        from: this.id,
        to: this.id,
        entries: [{ term: 0, index: 0, type: "confChange", data: encodeConfChange(cc) }],
      }),
    );
  }

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

  transferLeadership(to: RaftId): void {
    this.stepInternal(msg({ type: "MsgTransferLeader", from: to, to: this.id }));
  }

  reportUnreachable(id: RaftId): void {
    this.stepInternal(msg({ type: "MsgUnreachable", from: id, to: this.id }));
  }

  reportSnapshot(id: RaftId, ok: boolean): void {
    this.stepInternal(msg({ type: "MsgSnapStatus", from: id, to: this.id, reject: !ok }));
  }

  hasReady(): boolean {
    if (!sameSoft(this.softState(), this.prevSoft)) return true;
    const hs = this.hardState();
    if (!isEmptyHardState(hs) && !sameHard(hs, this.prevHard)) return true;
    if (this.raftLog.unstable.snapshot) return true;
    if (this.msgs.length > 0 || this.raftLog.unstableEntries().length > 0) return true;
    return this.raftLog.hasNextEnts();
  }

  ready(): Ready {
    const soft = this.softState();
    const hard = this.hardState();
    const entries = this.raftLog.unstableEntries().slice();
    const hardChanged = !sameHard(hard, this.prevHard);
    const rd: Ready = {
      entries,
      committedEntries: this.raftLog.nextEnts(),
      messages: this.msgs,
      mustSync: entries.length > 0 || hard.vote !== this.prevHard.vote || hard.term !== this.prevHard.term,
      ...(sameSoft(soft, this.prevSoft) ? {} : { softState: soft }),
      ...(hardChanged && !isEmptyHardState(hard) ? { hardState: hard } : {}),
      ...(this.raftLog.unstable.snapshot ? { snapshot: this.raftLog.unstable.snapshot } : {}),
    };
    this.prevSoft = soft;
    this.msgs = [];
    return rd;
  }

  advance(rd: Ready): void {
    if (rd.hardState) this.prevHard = rd.hardState;
    const lastCommitted = rd.committedEntries[rd.committedEntries.length - 1];
    if (lastCommitted) this.raftLog.appliedTo(lastCommitted.index);
    else if (rd.snapshot && rd.snapshot.metadata.index > this.raftLog.applied) {
      this.raftLog.appliedTo(rd.snapshot.metadata.index);
    }
    const last = rd.entries[rd.entries.length - 1];
    if (last) this.raftLog.stableTo(last.index, last.term);
    if (rd.snapshot) this.raftLog.stableSnapTo(rd.snapshot.metadata.index);
    this.maybeCampaignWhenAble();
  }

  private maybeCampaignWhenAble(): void {
    if (!this.campaignWhenAble || this.raftLog.applied < this.raftLog.committed) return;
    if (this.prs.size === 0) return;
    this.campaignWhenAble = false;
    if (this.prs.size === 1 && this.prs.has(this.id) && this.role !== "leader") this.hup();
  }

  status(): CoreStatus {
    const progress: CoreStatus["progress"] = {};
    if (this.role === "leader") {
      for (const [id, pr] of this.prs) progress[id] = { match: pr.match, next: pr.next, recentActive: pr.recentActive };
    }
    return {
      id: this.id,
      term: this.term,
      lead: this.lead,
      role: this.role,
      commit: this.raftLog.committed,
      applied: this.raftLog.applied,
      voters: this.voters(),
      progress,
    };
  }

  /** Index of the last entry the core holds (persisted or not). */
  lastIndex(): number {
    return this.raftLog.lastIndex();
  }

  // --- state ----------------------------------------------------------------

  private softState(): SoftState {
    return { lead: this.lead, role: this.role };
  }

  private hardState(): HardState {
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

  /** A bootstrapped cluster has no confState yet: its committed addNode entries say who is in it. */
  private adoptBootstrapMembers(): void {
    const first = this.raftLog.firstIndex();
    if (this.raftLog.committed < first) return;
    for (const e of this.raftLog.slice(first, this.raftLog.committed + 1, Number.POSITIVE_INFINITY)) {
      if (e.type !== "confChange") continue;
      const cc = decodeConfChange(e.data);
      if (cc.type === "addNode") this.addNode(cc.nodeId);
      else if (cc.type === "removeNode") this.removeNode(cc.nodeId);
    }
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

  // --- roles ----------------------------------------------------------------

  private reset(term: number): void {
    if (this.term !== term) {
      this.term = term;
      this.vote = NONE;
    }
    this.lead = NONE;
    this.electionElapsed = 0;
    this.heartbeatElapsed = 0;
    this.resetRandomizedElectionTimeout();
    this.leadTransferee = NONE;
    this.votes = new Map();
    const last = this.raftLog.lastIndex();
    for (const id of this.prs.keys()) {
      const pr = new Progress(last + 1, this.cfg.maxInflightMsgs);
      if (id === this.id) pr.match = last;
      this.prs.set(id, pr);
    }
    this.pendingConfIndex = 0;
  }

  private resetRandomizedElectionTimeout(): void {
    const r = this.cfg.random();
    this.randomizedElectionTimeout = this.cfg.electionTick + Math.floor(r * this.cfg.electionTick);
  }

  protected becomeFollower(term: number, lead: RaftId): void {
    this.reset(term);
    this.lead = lead;
    this.role = "follower";
  }

  protected becomeCandidate(): void {
    if (this.role === "leader") throw new RaftInvariantError("invalid transition [leader -> candidate]");
    this.reset(this.term + 1);
    this.vote = this.id;
    this.role = "candidate";
  }

  protected becomePreCandidate(): void {
    if (this.role === "leader") throw new RaftInvariantError("invalid transition [leader -> pre-candidate]");
    // Pre-vote does not change the term nor the vote.
    this.votes = new Map();
    this.lead = NONE;
    this.role = "preCandidate";
  }

  protected becomeLeader(): void {
    if (this.role === "follower") throw new RaftInvariantError("invalid transition [follower -> leader]");
    this.reset(this.term);
    this.lead = this.id;
    this.role = "leader";
    this.prs.get(this.id)?.becomeReplicate();
    // Conservatively: a conf change may be pending in the uncommitted tail.
    this.pendingConfIndex = this.raftLog.lastIndex();
    this.appendEntry([{ term: 0, index: 0, type: "normal", data: EMPTY }]);
  }

  private campaignAs(kind: CampaignKind): void {
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
    if (this.poll(this.id, true) === "won") {
      if (kind === "preElection") this.campaignAs("election");
      else this.becomeLeader();
      return;
    }
    const lastIndex = this.raftLog.lastIndex();
    const lastTerm = this.raftLog.lastTerm();
    for (const id of this.voters()) {
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

  private poll(id: RaftId, granted: boolean): ReturnType<typeof voteResult> {
    if (!this.votes.has(id)) this.votes.set(id, granted);
    return voteResult(this.prs.keys(), this.votes);
  }

  // --- ticks ----------------------------------------------------------------

  private tickElection(): void {
    this.electionElapsed++;
    if (this.promotable() && this.electionElapsed >= this.randomizedElectionTimeout) {
      this.electionElapsed = 0;
      this.stepInternal(msg({ type: "MsgHup", from: this.id, to: this.id }));
    }
  }

  private tickHeartbeat(): void {
    this.heartbeatElapsed++;
    this.electionElapsed++;
    if (this.electionElapsed >= this.cfg.electionTick) {
      this.electionElapsed = 0;
      if (this.cfg.checkQuorum) this.stepInternal(msg({ type: "MsgCheckQuorum", from: this.id, to: this.id }));
      // A transfer that did not finish within an election timeout is abandoned.
      if (this.role === "leader" && this.leadTransferee !== NONE) this.leadTransferee = NONE;
    }
    if (this.role !== "leader") return;
    if (this.heartbeatElapsed >= this.cfg.heartbeatTick) {
      this.heartbeatElapsed = 0;
      this.stepInternal(msg({ type: "MsgBeat", from: this.id, to: this.id }));
    }
  }

  // --- sending --------------------------------------------------------------

  private send(m: Message): void {
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

  /** Sends entries (or a snapshot) to `to` if its progress allows; returns whether a message went out. */
  private maybeSendAppend(to: RaftId, sendIfEmpty: boolean): boolean {
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

  private sendAppend(to: RaftId): void {
    this.maybeSendAppend(to, true);
  }

  private bcastAppend(): void {
    for (const id of this.prs.keys()) if (id !== this.id) this.sendAppend(id);
  }

  private bcastHeartbeat(): void {
    for (const [id, pr] of this.prs) {
      if (id === this.id) continue;
      this.send(msg({ type: "MsgHeartbeat", to: id, commit: Math.min(pr.match, this.raftLog.committed) }));
    }
  }

  // --- log ------------------------------------------------------------------

  private appendEntry(es: Entry[]): void {
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

  // --- membership -----------------------------------------------------------

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

  // --- stepping -------------------------------------------------------------

  private stepInternal(m: Message): void {
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
      case "MsgPreVote": {
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
        return;
      }
      default:
        if (this.role === "leader") this.stepLeader(m);
        else if (this.role === "follower") this.stepFollower(m);
        else this.stepCandidate(m);
    }
  }

  private hup(): void {
    if (this.role === "leader") return;
    if (!this.promotable()) return;
    // Cannot campaign while a committed conf change is not yet applied.
    const from = Math.max(this.raftLog.applied + 1, this.raftLog.firstIndex());
    if (this.raftLog.committed >= from) {
      const ents = this.raftLog.slice(from, this.raftLog.committed + 1, Number.POSITIVE_INFINITY);
      if (ents.some((e) => e.type === "confChange")) return;
    }
    this.campaignAs(this.cfg.preVote ? "preElection" : "election");
  }

  private stepLeader(m: Message): void {
    switch (m.type) {
      case "MsgBeat":
        this.bcastHeartbeat();
        return;
      case "MsgCheckQuorum":
        if (!this.quorumActive()) this.becomeFollower(this.term, NONE);
        for (const [id, pr] of this.prs) if (id !== this.id) pr.recentActive = false;
        return;
      case "MsgProp": {
        if (!this.prs.has(this.id)) throw new ErrProposalDropped("raft proposal dropped: removed from the cluster");
        if (this.leadTransferee !== NONE) {
          throw new ErrProposalDropped("raft proposal dropped: leadership transfer in progress");
        }
        for (const e of m.entries) {
          if (e.type !== "confChange") continue;
          if (this.pendingConfIndex > this.raftLog.applied) {
            throw new ErrProposalDropped("raft proposal dropped: a configuration change is already pending");
          }
        }
        const base = this.raftLog.lastIndex();
        m.entries.forEach((e, i) => {
          if (e.type === "confChange") this.pendingConfIndex = base + i + 1;
        });
        this.appendEntry([...m.entries]);
        this.bcastAppend();
        return;
      }
    }

    const pr = this.prs.get(m.from);
    if (!pr) return;
    switch (m.type) {
      case "MsgAppResp":
        pr.recentActive = true;
        if (m.reject) {
          if (pr.maybeDecrTo(m.index, m.rejectHint)) {
            if (pr.state === "replicate") pr.becomeProbe();
            this.sendAppend(m.from);
          }
        } else {
          const oldPaused = pr.isPaused();
          if (pr.maybeUpdate(m.index)) {
            if (pr.state === "probe") pr.becomeReplicate();
            else if (pr.needSnapshotAbort()) pr.becomeProbe();
            else if (pr.state === "replicate") pr.inflights.freeLE(m.index);
            if (this.maybeCommit()) this.bcastAppend();
            else if (oldPaused) this.sendAppend(m.from);
            // Pipelining: keep sending while the window allows.
            while (this.maybeSendAppend(m.from, false)) {}
            if (m.from === this.leadTransferee && pr.match === this.raftLog.lastIndex()) {
              this.send(msg({ type: "MsgTimeoutNow", to: m.from }));
            }
          }
        }
        return;
      case "MsgHeartbeatResp":
        pr.recentActive = true;
        pr.paused = false;
        if (pr.state === "replicate" && pr.inflights.full()) pr.inflights.freeFirstOne();
        if (pr.match < this.raftLog.lastIndex()) this.sendAppend(m.from);
        return;
      case "MsgSnapStatus":
        if (pr.state !== "snapshot") return;
        if (m.reject) pr.pendingSnapshot = 0;
        pr.becomeProbe();
        // Wait for a MsgAppResp or heartbeat response before sending more.
        pr.paused = true;
        return;
      case "MsgUnreachable":
        if (pr.state === "replicate") pr.becomeProbe();
        return;
      case "MsgTransferLeader": {
        const transferee = m.from;
        if (this.leadTransferee !== NONE) {
          if (this.leadTransferee === transferee) return;
          this.leadTransferee = NONE;
        }
        if (transferee === this.id) return;
        this.electionElapsed = 0;
        this.leadTransferee = transferee;
        if (pr.match === this.raftLog.lastIndex()) this.send(msg({ type: "MsgTimeoutNow", to: transferee }));
        else this.sendAppend(transferee);
        return;
      }
    }
  }

  private stepCandidate(m: Message): void {
    const myVoteResp: MessageType = this.role === "preCandidate" ? "MsgPreVoteResp" : "MsgVoteResp";
    switch (m.type) {
      case "MsgProp":
        throw new ErrProposalDropped("raft proposal dropped: no leader");
      case "MsgApp":
        this.becomeFollower(m.term, m.from);
        this.handleAppendEntries(m);
        return;
      case "MsgHeartbeat":
        this.becomeFollower(m.term, m.from);
        this.handleHeartbeat(m);
        return;
      case "MsgSnap":
        this.becomeFollower(m.term, m.from);
        this.handleSnapshot(m);
        return;
      case "MsgTimeoutNow":
        return;
    }
    if (m.type !== myVoteResp) return;
    const res = this.poll(m.from, !m.reject);
    if (res === "won") {
      if (this.role === "preCandidate") this.campaignAs("election");
      else {
        this.becomeLeader();
        this.bcastAppend();
      }
    } else if (res === "lost") {
      // A pre-candidate whose pre-vote was refused keeps its term.
      this.becomeFollower(this.term, NONE);
    }
  }

  private stepFollower(m: Message): void {
    switch (m.type) {
      case "MsgProp":
        throw new ErrProposalDropped(
          this.lead === NONE ? "raft proposal dropped: no leader" : "raft proposal dropped: not the leader",
        );
      case "MsgApp":
        this.electionElapsed = 0;
        this.lead = m.from;
        this.handleAppendEntries(m);
        return;
      case "MsgHeartbeat":
        this.electionElapsed = 0;
        this.lead = m.from;
        this.handleHeartbeat(m);
        return;
      case "MsgSnap":
        this.electionElapsed = 0;
        this.lead = m.from;
        this.handleSnapshot(m);
        return;
      case "MsgTransferLeader":
        // Forwarded to the leader, keeping who is to take over.
        if (this.lead !== NONE) this.msgs.push({ ...m, to: this.lead, term: this.term });
        return;
      case "MsgTimeoutNow":
        // Leadership transfers never use pre-vote.
        if (this.promotable()) this.campaignAs("transfer");
        return;
    }
  }

  private handleAppendEntries(m: Message): void {
    if (m.index < this.raftLog.committed) {
      this.send(msg({ type: "MsgAppResp", to: m.from, index: this.raftLog.committed }));
      return;
    }
    const last = this.raftLog.maybeAppend(m.index, m.logTerm, m.commit, m.entries);
    if (last !== undefined) this.send(msg({ type: "MsgAppResp", to: m.from, index: last }));
    else {
      this.send(
        msg({ type: "MsgAppResp", to: m.from, index: m.index, reject: true, rejectHint: this.raftLog.lastIndex() }),
      );
    }
  }

  private handleHeartbeat(m: Message): void {
    this.raftLog.commitTo(m.commit);
    this.send(msg({ type: "MsgHeartbeatResp", to: m.from, ...(m.context ? { context: m.context } : {}) }));
  }

  private handleSnapshot(m: Message): void {
    const s = m.snapshot;
    if (s && this.restore(s)) {
      this.send(msg({ type: "MsgAppResp", to: m.from, index: this.raftLog.lastIndex() }));
    } else {
      this.send(msg({ type: "MsgAppResp", to: m.from, index: this.raftLog.committed }));
    }
  }

  /** Installs a leader's snapshot unless we already have (and committed) what it holds. */
  private restore(s: Snapshot): boolean {
    if (s.metadata.index <= this.raftLog.committed) return false;
    if (this.raftLog.matchTerm(s.metadata.index, s.metadata.term)) {
      // We have the entries: just fast-forward the commit.
      this.raftLog.commitTo(s.metadata.index);
      return false;
    }
    this.raftLog.restore(s);
    this.prs = new Map();
    const last = this.raftLog.lastIndex();
    for (const id of s.metadata.confState.voters) {
      const pr = new Progress(last + 1, this.cfg.maxInflightMsgs);
      if (id === this.id) pr.match = last;
      this.prs.set(id, pr);
    }
    return true;
  }

  private quorumActive(): boolean {
    let act = 0;
    for (const [id, pr] of this.prs) if (id === this.id || pr.recentActive) act++;
    return act >= this.quorum();
  }
}

const isResponse = (t: MessageType): boolean =>
  t === "MsgAppResp" || t === "MsgHeartbeatResp" || t === "MsgVoteResp" || t === "MsgPreVoteResp";

const sameSoft = (a: SoftState, b: SoftState): boolean => a.lead === b.lead && a.role === b.role;
const sameHard = (a: HardState, b: HardState): boolean =>
  a.term === b.term && a.vote === b.vote && a.commit === b.commit;
const isEmptyHardState = (h: HardState): boolean => h.term === 0 && h.vote === NONE && h.commit === 0;
