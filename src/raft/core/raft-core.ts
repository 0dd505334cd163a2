import {
  type ConfChange,
  type ConfState,
  type Entry,
  type HardState,
  type Message,
  NONE,
  type RaftId,
  type RaftRole,
  type Ready,
  type SoftState,
} from "../types.ts";
import { encodeConfChange } from "./confchange/wire.ts";
import type { CoreConfig } from "./config.ts";
import { ErrStepLocalMsg, RaftInvariantError } from "./errors.ts";
import type { MemoryStorage } from "./memory-storage.ts";
import { EMPTY, isResponse, LOCAL_TYPES, MAX_MESSAGE_CONTEXT_BYTES, msg, validatePeerMessage } from "./messages.ts";
import { isBootstrapped, Raft } from "./raft.ts";

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
 * This is the shell's handle (etcd's RawNode): it checks what comes in, turns
 * calls into local messages for the Raft state (raft.ts), and cuts Ready
 * batches out of what changed since the last one.
 */
export class RaftCore {
  readonly id: RaftId;
  private readonly r: Raft;
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

  /** `r` is the Raft state built from cfg; a test passes one with a rule broken (test/raft/sim/support/broken-cores.ts). */
  constructor(cfg: CoreConfig, r: Raft = new Raft(cfg)) {
    this.r = r;
    this.id = r.id;
    this.prevSoft = r.softState();
    this.prevHard = r.hardState();
    // SwarmKit: a new single-member cluster campaigns at once. A restarted one
    // too, once it has applied what it committed (the config may have grown).
    if (isBootstrapped(cfg.storage) && r.trk.isSingleton(r.id)) {
      r.campaign(cfg.preVote ? "preElection" : "election");
    } else {
      this.campaignWhenAble = true;
      this.maybeCampaignWhenAble();
    }
  }

  tick(): void {
    this.r.tick();
  }

  /**
   * A message from a peer. Local-only types are refused (ErrStepLocalMsg),
   * malformed ones too (ErrInvalidMessage); either leaves the core untouched.
   */
  step(m: Message): void {
    if (LOCAL_TYPES.has(m.type)) throw new ErrStepLocalMsg(m.type);
    validatePeerMessage(m);
    if (this.r.trk.removed.has(m.from)) return;
    if (isResponse(m.type) && !this.r.trk.has(m.from)) return;
    this.r.step(m);
  }

  campaign(): void {
    this.local({ type: "MsgHup" });
  }

  propose(data: Uint8Array): void {
    this.local({ type: "MsgProp", entries: [{ term: 0, index: 0, type: "normal", data }] });
  }

  /**
   * Asks to confirm a linearizable read (etcd's ReadIndex): on the leader, once
   * a quorum has acknowledged that it still leads, a Ready carries the ReadState
   * {index: the commit index when asked, ctx}; serve the read once that index
   * is applied. Held until the leader has committed an entry of its term;
   * answered at once by a single voter; dropped on any other member, and when
   * leadership is lost before the quorum answered.
   */
  readIndex(ctx: Uint8Array): void {
    if (ctx.byteLength === 0 || ctx.byteLength > MAX_MESSAGE_CONTEXT_BYTES) {
      throw new RaftInvariantError(`read-index context of ${ctx.byteLength} bytes`);
    }
    this.local({ type: "MsgReadIndex", context: ctx });
  }

  proposeConfChange(cc: ConfChange): void {
    this.local({ type: "MsgProp", entries: [{ term: 0, index: 0, type: "confChange", data: encodeConfChange(cc) }] });
  }

  /** Called by the shell when a committed confChange entry is applied. */
  applyConfChange(cc: ConfChange): ConfState {
    return this.r.applyConfChange(cc);
  }

  transferLeadership(to: RaftId): void {
    this.r.step(msg({ type: "MsgTransferLeader", from: to, to: this.id }));
  }

  reportUnreachable(id: RaftId): void {
    this.r.step(msg({ type: "MsgUnreachable", from: id, to: this.id }));
  }

  reportSnapshot(id: RaftId, ok: boolean): void {
    this.r.step(msg({ type: "MsgSnapStatus", from: id, to: this.id, reject: !ok }));
  }

  hasReady(): boolean {
    const r = this.r;
    if (!sameSoft(r.softState(), this.prevSoft)) return true;
    const hs = r.hardState();
    if (!isEmptyHardState(hs) && !sameHard(hs, this.prevHard)) return true;
    if (r.raftLog.unstable.snapshot) return true;
    if (r.msgs.length > 0 || r.raftLog.unstableEntries().length > 0) return true;
    if (r.readStates.length > 0) return true;
    return r.raftLog.hasNextEnts();
  }

  ready(): Ready {
    const r = this.r;
    const soft = r.softState();
    const hard = r.hardState();
    const entries = r.raftLog.unstableEntries().slice();
    const hardChanged = !sameHard(hard, this.prevHard);
    const rd: Ready = {
      entries,
      committedEntries: r.raftLog.nextEnts(),
      messages: r.msgs,
      readStates: r.readStates,
      mustSync: entries.length > 0 || hard.vote !== this.prevHard.vote || hard.term !== this.prevHard.term,
      ...(sameSoft(soft, this.prevSoft) ? {} : { softState: soft }),
      ...(hardChanged && !isEmptyHardState(hard) ? { hardState: hard } : {}),
      ...(r.raftLog.unstable.snapshot ? { snapshot: r.raftLog.unstable.snapshot } : {}),
    };
    this.prevSoft = soft;
    r.msgs = [];
    r.readStates = [];
    return rd;
  }

  advance(rd: Ready): void {
    const log = this.r.raftLog;
    if (rd.hardState) this.prevHard = rd.hardState;
    const lastCommitted = rd.committedEntries[rd.committedEntries.length - 1];
    if (lastCommitted) log.appliedTo(lastCommitted.index);
    else if (rd.snapshot && rd.snapshot.metadata.index > log.applied) {
      log.appliedTo(rd.snapshot.metadata.index);
    }
    const last = rd.entries[rd.entries.length - 1];
    if (last) log.stableTo(last.index, last.term);
    if (rd.snapshot) log.stableSnapTo(rd.snapshot.metadata.index);
    this.maybeCampaignWhenAble();
  }

  status(): CoreStatus {
    const r = this.r;
    const progress: CoreStatus["progress"] = {};
    if (r.role === "leader") {
      for (const [id, pr] of r.trk.progress) {
        progress[id] = { match: pr.match, next: pr.next, recentActive: pr.recentActive };
      }
    }
    return {
      id: r.id,
      term: r.term,
      lead: r.lead,
      role: r.role,
      commit: r.raftLog.committed,
      applied: r.raftLog.applied,
      voters: r.trk.voters(),
      progress,
    };
  }

  /** Index of the last entry the core holds (persisted or not). */
  lastIndex(): number {
    return this.r.raftLog.lastIndex();
  }

  private maybeCampaignWhenAble(): void {
    const r = this.r;
    if (!this.campaignWhenAble || r.raftLog.applied < r.raftLog.committed) return;
    if (r.trk.size === 0) return;
    this.campaignWhenAble = false;
    if (r.trk.isSingleton(r.id) && r.role !== "leader") r.hup();
  }

  /** Steps a message the core sends itself, from and to this member. */
  private local(m: Pick<Message, "type"> & Partial<Message>): void {
    this.r.step(msg({ ...m, from: this.id, to: this.id }));
  }
}

const sameSoft = (a: SoftState, b: SoftState): boolean => a.lead === b.lead && a.role === b.role;
const sameHard = (a: HardState, b: HardState): boolean =>
  a.term === b.term && a.vote === b.vote && a.commit === b.commit;
const isEmptyHardState = (h: HardState): boolean => h.term === 0 && h.vote === NONE && h.commit === 0;
