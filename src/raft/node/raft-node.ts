import { defaultLog, type Log } from "../../log.ts";
import type { MemoryStorage, RaftCore } from "../core/index.ts";
import type { RaftStorage } from "../storage/index.ts";
import { MAX_TRANSACTION_BYTES } from "../transport/index.ts";
import { isEmptySnapshot, type RaftId, type RaftMember } from "../types.ts";
import { Applier } from "./applier.ts";
import { CoreSync } from "./core-sync.ts";
import {
  ErrLostLeadership,
  ErrMemberUnknown,
  ErrNoRaftMember,
  ErrRequestTooLarge,
  ErrStopped,
  raftError,
} from "./errors.ts";
import { Inputs } from "./inputs.ts";
import { loggedMembers, memberLookup } from "./member-lookup.ts";
import { type MemberStatus, Membership } from "./membership.ts";
import { MembershipChanges } from "./membership-changes.ts";
import { openMember } from "./open-member.ts";
import type { RaftNodeOptions, RaftNodeStartOptions } from "./options.ts";
import { Proposals } from "./proposals.ts";
import { ReadBarriers } from "./read-barriers.ts";
import { ReadyLoop } from "./ready-loop.ts";
import { Removal } from "./removal.ts";
import { type RaftActor, RoleMirror } from "./role-mirror.ts";
import type { SlowWarningContext } from "./slow-warning.ts";
import { StateWatchers } from "./state-watchers.ts";

export { forceNewClusterLog } from "./force-new-cluster.ts";
export * from "./options.ts";

/**
 * One Raft member (SwarmKit manager/state/raft/raft.go in etcd raftexample's
 * shape): owns the pure RaftCore, the storage on disk and the transport. Every
 * tick, peer message (inputs.ts), proposal (proposals.ts) and read barrier (read-barriers.ts) drains the core's
 * Ready (ready-loop.ts); committed entries are applied (applier.ts); the raft
 * actor mirrors the core's role (role-mirror.ts). This class wires them, holds
 * the lifecycle and answers what the owner calls.
 */
export class RaftNode {
  readonly raftId: RaftId;
  readonly actor: RaftActor;
  private readonly log: Log;
  private readonly membership = new Membership();
  private readonly proposals: Proposals;
  private readonly reads: ReadBarriers;
  private readonly changes: MembershipChanges;
  private readonly watchers = new StateWatchers();
  private readonly mirror: RoleMirror;
  private readonly applier: Applier;
  private readonly loop: ReadyLoop;
  private readonly removal: Removal;
  private readonly inputs: Inputs;
  private ticker: NodeJS.Timeout | undefined;
  private stopped = false;
  private stopping: Promise<void> | undefined;
  private readonly unsubscribe: (() => void)[] = [];

  private constructor(
    private readonly opts: RaftNodeOptions,
    private readonly storage: RaftStorage,
    mem: MemoryStorage,
    private readonly core: RaftCore,
  ) {
    this.raftId = opts.self.raftId;
    this.log = opts.log ?? defaultLog();
    const parts = {
      opts,
      raftId: this.raftId,
      log: this.log,
      storage,
      mem,
      core,
      membership: this.membership,
      transport: opts.transport,
      isStopped: () => this.stopped,
      stop: () => this.stop(),
    };
    this.proposals = new Proposals(core, () => this.loop.afterInput());
    this.reads = new ReadBarriers({
      core,
      stepped: () => this.loop.afterInput(),
      appliedIndex: () => this.applier.appliedIndex,
    });
    this.mirror = new RoleMirror(this.raftId, core.status(), opts);
    this.actor = this.mirror.actor;
    this.removal = new Removal({
      ...parts,
      proposals: this.proposals,
      mirror: this.mirror,
      appliedIndex: () => this.applier.appliedIndex,
    });
    this.changes = new MembershipChanges({
      ...parts,
      proposals: this.proposals,
      refusal: () => this.refuseMembershipChange(),
    });
    const slow: SlowWarningContext = { log: this.log, profile: opts.profile, raftId: this.raftId, core };
    this.inputs = new Inputs({
      ...parts,
      profile: opts.profile,
      removal: this.removal,
      slow,
      afterInput: () => this.loop.afterInput(),
    });
    this.applier = new Applier({ ...parts, proposals: this.proposals, removeSelf: () => this.removal.removeSelf() });
    this.loop = new ReadyLoop({
      ...parts,
      applier: this.applier,
      reads: this.reads,
      slow,
      isRemovedSelf: () => this.removal.removed,
      fail: (e) => this.fail(e),
      coreSync: new CoreSync({
        core,
        mirror: this.mirror,
        proposals: this.proposals,
        reads: this.reads,
        removal: this.removal,
        watchers: this.watchers,
      }),
    });
    opts.transport.useMembers(
      memberLookup(this.membership, this.raftId, [...(opts.joinMembers ?? []), ...loggedMembers(mem)]),
    );
  }

  /** Opens the member's storage and starts it: restart, new cluster (bootstrap) or join. */
  static async start(opts: RaftNodeStartOptions): Promise<RaftNode> {
    const { storage, mem, core } = await openMember(opts);
    try {
      const node = new RaftNode(opts, storage, mem, core);
      await node.begin(mem);
      return node;
    } catch (e) {
      await storage.close();
      throw e;
    }
  }

  /** A brand-new one-member cluster (or a restart, if the storage holds one). */
  static bootstrap(opts: RaftNodeOptions): Promise<RaftNode> {
    return RaftNode.start({ ...opts, bootstrap: true });
  }

  /** A member that waits, with empty storage, to be added by the leader (or a restart). */
  static join(opts: RaftNodeOptions): Promise<RaftNode> {
    return RaftNode.start({ ...opts, bootstrap: false });
  }

  private async begin(mem: MemoryStorage): Promise<void> {
    const snap = mem.snapshot();
    if (!isEmptySnapshot(snap)) await this.applier.restoreSnapshot(snap);
    this.actor.start();
    this.opts.onActor?.("raft", this.actor);
    // The core may already have moved (a one-member cluster campaigns in its constructor).
    this.mirror.record(this.core.status());
    this.mirror.announce();
    const t = this.opts.transport;
    this.unsubscribe.push(t.onMessage((m) => this.inputs.step(m)));
    this.unsubscribe.push(t.onReport((r) => this.inputs.report(r)));
    this.ticker = setInterval(() => this.inputs.tick(), this.opts.profile.raftTickMs);
    this.loop.kick();
  }

  // --- what the owner calls ----------------------------------------------------

  /**
   * Proposes `data`; resolves with its log index once it is applied here.
   * Refused at once unless this member leads (and has applied its own term's
   * first entry, SwarmKit's signalledLeadership); rejected with ErrLostLeadership
   * if leadership is lost first, ErrStopped on stop.
   */
  propose(data: Uint8Array): Promise<number> {
    if (this.stopped) return Promise.reject(raftError(ErrStopped));
    if (data.length > MAX_TRANSACTION_BYTES) return Promise.reject(raftError(ErrRequestTooLarge));
    if (!this.isLeader()) return Promise.reject(raftError(ErrLostLeadership));
    return this.proposals.propose(data);
  }

  /**
   * A linearizable read's barrier (Raft's ReadIndex): resolves once this
   * member has confirmed with a quorum that it still led after the call, and
   * has applied everything committed before it; its store then holds every
   * write acknowledged before the read began. Rejected with ErrLostLeadership
   * when it does not lead or loses leadership first (a leader cut off from the
   * others never confirms), DeadlineExceeded past `deadline` (epoch ms),
   * ErrStopped on stop.
   */
  readBarrier(deadline: number): Promise<void> {
    if (this.stopped) return Promise.reject(raftError(ErrStopped));
    if (!this.isLeader() || this.core.status().role !== "leader") return Promise.reject(raftError(ErrLostLeadership));
    return this.reads.wait(deadline);
  }

  /** Adds a member (leader only); resolves once the addNode entry is applied here. */
  addMember(member: RaftMember): Promise<void> {
    return this.changes.add(member);
  }

  /**
   * SwarmKit's updateNodeBlocking (leader only): a ConfChange updateNode that
   * gives member `raftId` the address `addr`; resolves once it is applied here,
   * and every member's membership then lists the new address.
   */
  updateMember(raftId: RaftId, addr: string): Promise<void> {
    return this.changes.update(raftId, addr);
  }

  /** Removes a member (leader only) if the rest keeps a reachable quorum (SwarmKit's CanRemoveMember). */
  removeMember(raftId: RaftId): Promise<void> {
    return this.changes.remove(raftId);
  }

  /** SwarmKit's CanRemoveMember, with transport.active for the others. */
  canRemoveMember(raftId: RaftId): boolean {
    return this.changes.canRemove(raftId);
  }

  /**
   * Brings transport.active up to now: a member whose process is gone reads
   * UNREACHABLE when this resolves, not after the next heartbeat. Called before
   * a quorum check.
   */
  async refreshReachability(): Promise<void> {
    if (!this.stopped) await this.opts.transport.probe();
  }

  /**
   * Hands leadership to `to`; resolves when `to` leads, rejects with
   * DeadlineExceeded after SwarmKit's reqTimeout (5 s + 2 election timeouts, in ticks).
   */
  transferLeadership(to: RaftId): Promise<void> {
    if (this.stopped) return Promise.reject(raftError(ErrStopped));
    if (!this.isLeader()) return Promise.reject(raftError(ErrLostLeadership));
    if (!this.membership.has(to) || to === this.raftId) return Promise.reject(raftError(ErrMemberUnknown));
    this.core.transferLeadership(to);
    this.loop.afterInput();
    const timeoutMs = (5 + 2 * this.opts.profile.raftElectionTicks) * this.opts.profile.raftTickMs;
    return this.watchers.waitUntil(() => this.mirror.current.lead === to, timeoutMs);
  }

  /**
   * Resolves once isLeader() holds, checked after every ready batch and role
   * change; DeadlineExceeded past `timeoutMs`, ErrStopped when the node stops.
   */
  untilLeader(timeoutMs: number): Promise<void> {
    if (this.stopped) return Promise.reject(raftError(ErrStopped));
    return this.watchers.waitUntil(() => this.isLeader(), timeoutMs);
  }

  leaderId(): RaftId {
    return this.mirror.current.lead;
  }

  /** Leads, and has applied the first entry of its term (SwarmKit publishes IsLeader only then). */
  isLeader(): boolean {
    const st = this.mirror.current;
    return !this.stopped && st.role === "leader" && this.applier.appliedTerm === st.term;
  }

  isMember(): boolean {
    return this.membership.has(this.raftId) && !this.removal.removed;
  }

  term(): number {
    return this.mirror.current.term;
  }

  appliedIndexNow(): number {
    return this.applier.appliedIndex;
  }

  /** The commit index the core knows now; on a restart, at first the one its WAL kept. */
  committedIndexNow(): number {
    return this.core.status().commit;
  }

  /** SwarmKit's GetMemberlist: self always REACHABLE, others by transport.active. */
  members(): MemberStatus[] {
    return this.membership.list().map((m) => ({
      member: m,
      reachability: m.raftId === this.raftId || this.opts.transport.active(m.raftId) ? "REACHABLE" : "UNREACHABLE",
      leader: m.raftId === this.mirror.current.lead,
    }));
  }

  /** Calls `fn` after each change of the memberlist (a conf change applied, a snapshot restored); returns the unsubscribe. */
  onMembershipChange(fn: () => void): () => void {
    return this.membership.onChange(fn);
  }

  removedIds(): RaftId[] {
    return this.membership.removed();
  }

  /** Ticks in a row without a known leader (SwarmKit's ticksWithNoLeader). */
  ticksWithNoLeader(): number {
    return this.inputs.ticksWithNoLeader;
  }

  /** No leader for longer than the lost-quorum timeout (electionTick ticks). */
  lostQuorum(): boolean {
    return this.inputs.ticksWithNoLeader > this.opts.profile.raftElectionTicks;
  }

  /** Stops ticking, rejects pending proposals with ErrStopped, closes storage and transport. */
  stop(): Promise<void> {
    this.stopping ??= this.doStop();
    return this.stopping;
  }

  private async doStop(): Promise<void> {
    this.stopped = true;
    if (this.ticker) clearInterval(this.ticker);
    for (const u of this.unsubscribe) u();
    this.proposals.rejectAll(raftError(ErrStopped));
    this.reads.rejectAll(raftError(ErrStopped));
    this.watchers.failAll(raftError(ErrStopped));
    await this.loop.settled();
    await this.storage.close();
    await this.opts.transport.close();
    this.actor.stop();
  }

  // --- refusals, failure ------------------------------------------------------------

  private refuseMembershipChange(): Error | undefined {
    if (this.stopped) return raftError(ErrStopped);
    if (!this.isMember()) return raftError(ErrNoRaftMember);
    if (!this.isLeader()) return raftError(ErrLostLeadership);
    return undefined;
  }

  private fail(e: unknown): void {
    const err = e instanceof Error ? e : new Error(String(e));
    this.log.error({ raftId: this.raftId, err: err.message }, "raft: node stopped on a fatal error");
    this.opts.onFatal?.(err);
    void this.stop();
  }
}
