import { encodeConfChange } from "../codec.ts";
import {
  type ConfChange,
  type Entry,
  type HardState,
  type Message,
  NONE,
  type RaftId,
  type RaftRole,
  type Ready,
  type SoftState,
} from "../types.ts";
import type { CoreConfig } from "./config.ts";
import { ErrStepLocalMsg, RaftInvariantError } from "./errors.ts";
import type { MemoryStorage } from "./memory-storage.ts";
import { EMPTY, isResponse, LOCAL_TYPES, msg, validatePeerMessage } from "./messages.ts";
import { Progress } from "./progress.ts";
import { Stepping } from "./step.ts";

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

/**
 * The Raft state machine in etcd/raft's way: no I/O, no clock, no randomness
 * of its own. Ticks and peer messages go in; a Ready batch comes out, which the
 * shell persists (hardState, entries, snapshot), then sends (messages), then
 * applies (committedEntries), then hands back through advance().
 *
 * This file holds the public API and the Ready batches; the rest of the core
 * sits in the layers below it, one concept each (see core-state.ts).
 */
export class RaftCore extends Stepping {
  /** SwarmKit's campaignWhenAble: after a restart, campaign as soon as the applied config is just us. */
  private campaignWhenAble = false;
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
    super(cfg);
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
  // (applyConfChange is in membership.ts)

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
}

const sameSoft = (a: SoftState, b: SoftState): boolean => a.lead === b.lead && a.role === b.role;
const sameHard = (a: HardState, b: HardState): boolean =>
  a.term === b.term && a.vote === b.vote && a.commit === b.commit;
const isEmptyHardState = (h: HardState): boolean => h.term === 0 && h.vote === NONE && h.commit === 0;
