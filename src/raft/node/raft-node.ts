import { randomBytes } from "node:crypto";
import { type Actor, type AnyActorRef, createActor } from "xstate";
import { type RaftMachineRole, raftMachine } from "../../../machines/raft.machine.ts";
import { type BusLog, defaultBusLog } from "../../bus/log.ts";
import type { TimingProfile } from "../../config/profile.ts";
import { rpcError } from "../../rpc/status.ts";
import { decodeConfChange, decodeRaftMember, encodeConfChange, encodeRaftMember } from "../codec.ts";
import { ErrProposalDropped, MemoryStorage, RaftCore } from "../core/index.ts";
import { RaftStorage } from "../storage/index.ts";
import { MAX_TRANSACTION_BYTES, type RaftTransport, type TransportReport } from "../transport/index.ts";
import {
  type ConfChange,
  type ConfState,
  type Entry,
  type HardState,
  isEmptySnapshot,
  type Message,
  NONE,
  type RaftId,
  type RaftMember,
  type Ready,
  type Snapshot,
} from "../types.ts";
import {
  ErrCannotRemoveMember,
  ErrConfChangeRefused,
  ErrIDExists,
  ErrIDRemoved,
  ErrLostLeadership,
  ErrMemberRemoved,
  ErrMemberUnknown,
  ErrNoRaftMember,
  ErrRequestTooLarge,
  ErrStopped,
  raftError,
} from "./errors.ts";
import { type MemberStatus, Membership } from "./membership.ts";
import { frameProposal, unframeProposal } from "./proposal-frame.ts";
import { decodeSnapshotPayload, encodeSnapshotPayload } from "./snapshot-payload.ts";

/** SwarmKit DefaultRaftConfig. */
export const DEFAULT_SNAPSHOT_INTERVAL = 10_000;
export const DEFAULT_LOG_ENTRIES_FOR_SLOW_FOLLOWERS = 500;
/** SwarmKit DefaultNodeConfig: MaxSizePerMsg = math.MaxUint16, MaxInflightMsgs = 256. */
export const MAX_SIZE_PER_MSG = 65_535;
export const MAX_INFLIGHT_MSGS = 256;

/** What a snapshot decision reads from the cluster spec (SwarmKit api.RaftConfig). */
export interface SnapshotConfig {
  /** Applied entries since the last snapshot that trigger the next; 0 never snapshots. */
  readonly snapshotInterval: number;
  /** Snapshot files kept besides the newest. */
  readonly keepOldSnapshots: number;
  /** Entries kept in the log behind a snapshot, for followers that lag. */
  readonly logEntriesForSlowFollowers: number;
}

export interface RaftNodeOptions {
  readonly clusterId: string;
  /** This member: Raft ID (decimal string), node ID, address. */
  readonly self: RaftMember;
  /** The daemon's state dir: Raft data lives under `<stateDir>/swarm/raft/`. */
  readonly stateDir: string;
  readonly transport: RaftTransport;
  /** Tick interval and election/heartbeat ticks. */
  readonly profile: TimingProfile;
  /** Applies one committed proposal, in log order, on every member. */
  readonly apply: (data: Uint8Array, index: number) => void | Promise<void>;
  /** The owner's state as bytes, for a snapshot (empty bytes when not given). */
  readonly snapshotData?: () => Uint8Array | Promise<Uint8Array>;
  /** Replaces the owner's state with a snapshot's (on restart, or a MsgSnap from the leader). */
  readonly restore?: (data: Uint8Array) => void | Promise<void>;
  /**
   * The cluster object's Spec.Raft, read at every snapshot decision (SwarmKit's
   * getCurrentRaftConfig); undefined while there is no cluster object, and
   * then the values below apply.
   */
  readonly raftConfig?: () => SnapshotConfig | undefined;
  /** Applied entries between snapshots without a cluster spec (SwarmKit SnapshotInterval, 10000). */
  readonly snapshotInterval?: number;
  /** Entries kept in the log behind a snapshot without a cluster spec (SwarmKit LogEntriesForSlowFollowers, 500). */
  readonly logEntriesForSlowFollowers?: number;
  /** The raft actor, for the bus and inspectors. */
  readonly onActor?: (name: string, actor: AnyActorRef) => void;
  /** Leadership gained (true) or lost (false): start/stop leader-only components. */
  readonly onLeadership?: (leader: boolean) => void;
  /** This member was removed from the cluster (the node stops itself). */
  readonly onRemoved?: () => void;
  /** Storage or apply failed: the node stopped. */
  readonly onFatal?: (e: Error) => void;
  readonly log?: BusLog;
  /** [0,1) for the randomized election timeout; Math.random by default. */
  readonly random?: () => number;
}

export interface RaftNodeStartOptions extends RaftNodeOptions {
  /**
   * With empty storage: true starts a new one-member cluster (SwarmKit's
   * newRaft / etcd's Bootstrap); false waits to be added by the leader (join).
   * Ignored when the storage holds a WAL: the member restarts from it.
   */
  readonly bootstrap?: boolean;
  /**
   * SwarmKit's ForceNewCluster: with a WAL, drop the uncommitted tail and
   * commit, locally, the removal of every other member, so this member is the
   * whole cluster (and leads at once); the old members' IDs become removed.
   * Ignored without a WAL.
   */
  readonly forceNewCluster?: boolean;
}

interface Waiter {
  resolve(index: number): void;
  reject(e: Error): void;
}

interface ConfWaiter extends Waiter {
  readonly type: ConfChange["type"];
  readonly nodeId: RaftId;
}

interface StateWatcher {
  check(): boolean;
  fail(e: Error): void;
}

type RaftActor = Actor<typeof raftMachine>;

interface LoadedLog {
  readonly hardState: HardState;
  readonly snapshot?: Snapshot | null | undefined;
  readonly entries: readonly Entry[];
}

/**
 * SwarmKit's ForceNewCluster on a loaded WAL (etcd's createConfigChangeEnts):
 * keeps the committed entries, and appends, at the current term, one
 * committed removeNode entry per other voter (and an addNode for self if it is
 * not a voter). Undefined when there is nothing to change (already alone).
 */
export function forceNewClusterLog(
  log: LoadedLog,
  self: RaftId,
): { hardState: HardState; kept: Entry[]; appended: Entry[] } | undefined {
  const commit = log.hardState.commit;
  const kept = log.entries.filter((e) => e.index <= commit);
  const voters = new Set<RaftId>(
    log.snapshot && !isEmptySnapshot(log.snapshot) ? log.snapshot.metadata.confState.voters : [],
  );
  for (const e of kept) {
    if (e.type !== "confChange") continue;
    const cc = decodeConfChange(e.data);
    if (cc.type === "addNode") voters.add(cc.nodeId);
    else if (cc.type === "removeNode") voters.delete(cc.nodeId);
  }
  const changes: ConfChange[] = [...voters]
    .filter((id) => id !== self)
    .sort()
    .map((id) => ({ type: "removeNode", nodeId: id, context: new Uint8Array(0) }));
  if (!voters.has(self)) changes.push({ type: "addNode", nodeId: self, context: new Uint8Array(0) });
  if (changes.length === 0) return undefined;
  const last = kept.at(-1)?.index ?? Math.max(commit, log.snapshot?.metadata.index ?? 0);
  const term = log.hardState.term;
  const appended: Entry[] = changes.map((cc, i) => ({
    term,
    index: last + 1 + i,
    type: "confChange",
    data: encodeConfChange(cc),
  }));
  return { hardState: { ...log.hardState, commit: last + appended.length }, kept, appended };
}

/**
 * One Raft member (SwarmKit manager/state/raft/raft.go in etcd raftexample's
 * shape): owns the pure RaftCore, the storage on disk and the transport. Every
 * tick, peer message and proposal drains the core's Ready: persist hard state,
 * entries and snapshot (fdatasync) → send messages → apply committed entries →
 * advance. The raft actor mirrors the core's role.
 */
export class RaftNode {
  readonly raftId: RaftId;
  private readonly log: BusLog;
  private readonly membership = new Membership();
  private readonly waiters = new Map<string, Waiter>();
  private confWaiters: ConfWaiter[] = [];
  private watchers: StateWatcher[] = [];
  private readonly requestPrefix = randomBytes(4).readUInt32BE(0);
  private requestSeq = 0;
  private ticker: NodeJS.Timeout | undefined;
  private draining: Promise<void> | undefined;
  private stopped = false;
  private stopping: Promise<void> | undefined;
  private removedSelf = false;
  private confState: ConfState;
  private snapshotIndex: number;
  private appliedIndex: number;
  private appliedTerm = 0;
  private noLeaderTicks = 0;
  private lastTickAt: number | undefined;
  private lastCore: { role: RaftMachineRole; term: number; lead: RaftId };
  private readonly unsubscribe: (() => void)[] = [];
  /** Removed members told so since the last tick. */
  private readonly toldRemoved = new Set<RaftId>();
  readonly actor: RaftActor;

  private constructor(
    private readonly opts: RaftNodeOptions,
    private readonly storage: RaftStorage,
    private readonly mem: MemoryStorage,
    private readonly core: RaftCore,
  ) {
    this.raftId = opts.self.raftId;
    this.log = opts.log ?? defaultBusLog();
    this.confState = mem.initialState().confState;
    this.snapshotIndex = mem.snapshot().metadata.index;
    this.appliedIndex = this.snapshotIndex;
    const st = core.status();
    this.lastCore = { role: st.role, term: st.term, lead: st.lead };
    const machine = raftMachine.provide({
      actions: {
        announceLeader: () => opts.onLeadership?.(true),
        announceFollower: () => opts.onLeadership?.(false),
        announceRemoved: () => opts.onRemoved?.(),
      },
    });
    this.actor = createActor(machine, { input: { raftId: this.raftId, term: st.term, lead: st.lead } });
  }

  /** Opens the member's storage and starts it: restart, new cluster (bootstrap) or join. */
  static async start(opts: RaftNodeStartOptions): Promise<RaftNode> {
    const dir = `${opts.stateDir}/swarm/raft`;
    const { storage, state } = await RaftStorage.open(dir);
    try {
      const mem = new MemoryStorage();
      if (state.snapshot && !isEmptySnapshot(state.snapshot)) mem.applySnapshot(state.snapshot);
      const forced = opts.forceNewCluster && state.metadata ? forceNewClusterLog(state, opts.self.raftId) : undefined;
      if (forced) await storage.save(forced.hardState, forced.appended);
      const hardState = forced?.hardState ?? state.hardState;
      const entries = forced ? [...forced.kept, ...forced.appended] : state.entries;
      mem.setHardState(hardState);
      if (entries.length > 0) mem.append(entries);
      if (state.metadata) {
        if (state.metadata.raftId !== opts.self.raftId || state.metadata.clusterId !== opts.clusterId) {
          throw new Error(
            `raft storage ${dir} belongs to member ${state.metadata.raftId} of cluster ${state.metadata.clusterId}, not ${opts.self.raftId} of ${opts.clusterId}`,
          );
        }
      } else {
        await storage.create({ raftId: opts.self.raftId, clusterId: opts.clusterId, nodeId: opts.self.nodeId });
        if (opts.bootstrap) {
          RaftCore.bootstrap(mem, [opts.self.raftId], { [opts.self.raftId]: encodeRaftMember(opts.self) });
          const ents = mem.entries(mem.firstIndex(), mem.lastIndex() + 1, Number.POSITIVE_INFINITY);
          await storage.save(mem.initialState().hardState, ents);
        }
      }
      const snapIndex = mem.snapshot().metadata.index;
      const core = new RaftCore({
        id: opts.self.raftId,
        electionTick: opts.profile.raftElectionTicks,
        heartbeatTick: opts.profile.raftHeartbeatTicks,
        preVote: true,
        checkQuorum: true,
        maxSizePerMsg: MAX_SIZE_PER_MSG,
        maxInflightMsgs: MAX_INFLIGHT_MSGS,
        storage: mem,
        random: opts.random ?? Math.random,
        applied: snapIndex,
      });
      const node = new RaftNode(opts, storage, mem, core);
      await node.begin();
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

  private async begin(): Promise<void> {
    const snap = this.mem.snapshot();
    if (!isEmptySnapshot(snap)) await this.restoreSnapshot(snap);
    this.actor.start();
    this.opts.onActor?.("raft", this.actor);
    // The core may already have moved (a one-member cluster campaigns in its constructor).
    const st = this.core.status();
    this.lastCore = { role: st.role, term: st.term, lead: st.lead };
    this.actor.send({ type: "CORE_STATE", role: st.role, term: st.term, lead: st.lead });
    const t = this.opts.transport;
    this.unsubscribe.push(t.onMessage((m) => this.step(m)));
    this.unsubscribe.push(t.onReport((r) => this.report(r)));
    this.ticker = setInterval(() => this.tick(), this.opts.profile.raftTickMs);
    this.kick();
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
    const id = (BigInt(this.requestPrefix) << 32n) | BigInt(++this.requestSeq & 0xffffffff);
    const key = id.toString();
    return new Promise<number>((resolve, reject) => {
      this.waiters.set(key, { resolve, reject });
      try {
        this.core.propose(frameProposal(id, data));
      } catch (e) {
        this.waiters.delete(key);
        reject(e instanceof ErrProposalDropped ? raftError(ErrLostLeadership) : e);
        return;
      }
      this.afterInput();
    });
  }

  /** Adds a member (leader only); resolves once the addNode entry is applied here. */
  addMember(member: RaftMember): Promise<void> {
    const refused = this.refuseMembershipChange();
    if (refused) return Promise.reject(refused);
    if (this.membership.isRemoved(member.raftId)) return Promise.reject(raftError(ErrIDRemoved));
    if (this.membership.has(member.raftId)) return Promise.reject(raftError(ErrIDExists));
    return this.changeConf({ type: "addNode", nodeId: member.raftId, context: encodeRaftMember(member) });
  }

  /**
   * SwarmKit's updateNodeBlocking (leader only): a ConfChange updateNode that
   * gives member `raftId` the address `addr`; resolves once it is applied here,
   * and every member's membership then lists the new address.
   */
  updateMember(raftId: RaftId, addr: string): Promise<void> {
    const refused = this.refuseMembershipChange();
    if (refused) return Promise.reject(refused);
    const m = this.membership.get(raftId);
    if (!m) return Promise.reject(raftError(`member ${BigInt(raftId).toString(16)} is not found for update`));
    return this.changeConf({ type: "updateNode", nodeId: raftId, context: encodeRaftMember({ ...m, addr }) });
  }

  /** Removes a member (leader only) if the rest keeps a reachable quorum (SwarmKit's CanRemoveMember). */
  removeMember(raftId: RaftId): Promise<void> {
    const refused = this.refuseMembershipChange();
    if (refused) return Promise.reject(refused);
    if (!this.membership.has(raftId)) return Promise.reject(raftError(ErrMemberUnknown));
    if (!this.canRemoveMember(raftId)) return Promise.reject(raftError(ErrCannotRemoveMember));
    const m = this.membership.get(raftId);
    return this.changeConf({
      type: "removeNode",
      nodeId: raftId,
      context: m ? encodeRaftMember(m) : new Uint8Array(0),
    });
  }

  /** SwarmKit's CanRemoveMember, with transport.active for the others. */
  canRemoveMember(raftId: RaftId): boolean {
    return this.membership.canRemove(raftId, this.raftId, (id) => this.opts.transport.active(id));
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
    this.afterInput();
    const timeoutMs = (5 + 2 * this.opts.profile.raftElectionTicks) * this.opts.profile.raftTickMs;
    return this.waitUntil(() => this.lastCore.lead === to, timeoutMs);
  }

  leaderId(): RaftId {
    return this.lastCore.lead;
  }

  /** Leads, and has applied the first entry of its term (SwarmKit publishes IsLeader only then). */
  isLeader(): boolean {
    return !this.stopped && this.lastCore.role === "leader" && this.appliedTerm === this.lastCore.term;
  }

  isMember(): boolean {
    return this.membership.has(this.raftId) && !this.removedSelf;
  }

  term(): number {
    return this.lastCore.term;
  }

  appliedIndexNow(): number {
    return this.appliedIndex;
  }

  /** SwarmKit's GetMemberlist: self always REACHABLE, others by transport.active. */
  members(): MemberStatus[] {
    return this.membership.list().map((m) => ({
      member: m,
      reachability: m.raftId === this.raftId || this.opts.transport.active(m.raftId) ? "REACHABLE" : "UNREACHABLE",
      leader: m.raftId === this.lastCore.lead,
    }));
  }

  removedIds(): RaftId[] {
    return this.membership.removed();
  }

  /** Ticks in a row without a known leader (SwarmKit's ticksWithNoLeader). */
  ticksWithNoLeader(): number {
    return this.noLeaderTicks;
  }

  /** No leader for longer than the lost-quorum timeout (electionTick ticks). */
  lostQuorum(): boolean {
    return this.noLeaderTicks > this.opts.profile.raftElectionTicks;
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
    this.rejectAll(raftError(ErrStopped));
    for (const w of this.watchers) w.fail(raftError(ErrStopped));
    this.watchers = [];
    await this.draining?.catch(() => {});
    await this.storage.close();
    await this.opts.transport.close();
    this.actor.stop();
  }

  // --- inputs -------------------------------------------------------------------

  private tick(): void {
    if (this.stopped) return;
    const now = performance.now();
    if (this.lastTickAt !== undefined)
      this.warnIfSlow("tick", now - this.lastTickAt - this.opts.profile.raftTickMs, {});
    this.lastTickAt = now;
    this.toldRemoved.clear();
    this.core.tick();
    this.noLeaderTicks = this.core.status().lead === NONE ? this.noLeaderTicks + 1 : 0;
    this.afterInput();
  }

  private step(m: Message): void {
    if (this.stopped || this.removedSelf) return;
    if (this.membership.isRemoved(m.from)) {
      // SwarmKit answers NotFound ErrMemberRemoved; here: a notice, once per tick.
      if (!this.toldRemoved.has(m.from)) {
        this.toldRemoved.add(m.from);
        this.log.warn({ raftId: this.raftId, from: m.from, type: m.type }, ErrMemberRemoved);
        this.opts.transport.notifyRemoved(m.from);
      }
      return;
    }
    try {
      this.core.step(m);
    } catch (e) {
      this.log.warn(
        { raftId: this.raftId, from: m.from, type: m.type, err: e instanceof Error ? e.message : String(e) },
        "raft: dropped a message the core refused",
      );
      return;
    }
    this.afterInput();
  }

  private report(r: TransportReport): void {
    if (this.stopped) return;
    if (r.type === "removed") {
      this.removedNotice(r.by);
      return;
    }
    if (r.type === "unreachable") this.core.reportUnreachable(r.to);
    else this.core.reportSnapshot(r.to, r.ok);
    this.afterInput();
  }

  private afterInput(): void {
    this.syncMachine();
    this.kick();
  }

  /**
   * etcd's "leader failed to send out heartbeat on time": while a Ready is being
   * persisted or a tick waits for a blocked event loop, no heartbeat leaves, and
   * past the election timeout the followers elect someone else. Logged so a
   * spurious election under load can be traced to its cause (slow disk or CPU).
   */
  private warnIfSlow(what: "ready" | "tick", ms: number, fields: Record<string, number>): void {
    const budget = this.opts.profile.raftTickMs * this.opts.profile.raftHeartbeatTicks * 2;
    if (ms <= budget) return;
    this.log.warn(
      { raftId: this.raftId, role: this.core.status().role, ms: Math.round(ms), budgetMs: budget, ...fields },
      what === "ready"
        ? "raft: persisting and applying a Ready took longer than two heartbeats (slow disk or apply)"
        : "raft: a tick came late by more than two heartbeats (event loop blocked or CPU starved)",
    );
  }

  // --- the Ready loop -----------------------------------------------------------

  private kick(): void {
    if (this.draining || this.stopped || !this.core.hasReady()) return;
    this.draining = this.drain()
      .catch((e: unknown) => this.fail(e))
      .finally(() => {
        this.draining = undefined;
        if (this.removedSelf) void this.stop();
        else if (!this.stopped && this.core.hasReady()) this.kick();
      });
  }

  private async drain(): Promise<void> {
    while (!this.stopped && this.core.hasReady()) {
      const rd = this.core.ready();
      const started = performance.now();
      await this.handleReady(rd);
      this.warnIfSlow("ready", performance.now() - started, {
        entries: rd.entries.length,
        committed: rd.committedEntries.length,
      });
      if (this.stopped) return;
      this.core.advance(rd);
      this.syncMachine();
      this.checkWatchers();
    }
  }

  private async handleReady(rd: Ready): Promise<void> {
    const snap = rd.snapshot && !isEmptySnapshot(rd.snapshot) ? rd.snapshot : undefined;
    // A leader may send its appends while it writes them (Raft thesis §10.2.1, as etcd's
    // server does): it counts itself toward commit only once they are on disk.
    const leaderSendsFirst = this.core.status().role === "leader";
    const outgoing = rd.messages.filter((m) => !this.membership.isRemoved(m.to));
    if (leaderSendsFirst) this.opts.transport.send(outgoing);
    if (snap) await this.storage.saveSnapshot(snap);
    if (rd.hardState || rd.entries.length > 0) await this.storage.save(rd.hardState, rd.entries);
    if (this.stopped) return;
    if (snap) this.mem.applySnapshot(snap);
    if (rd.hardState) this.mem.setHardState(rd.hardState);
    if (rd.entries.length > 0) this.mem.append(rd.entries);
    if (!leaderSendsFirst) this.opts.transport.send(outgoing);
    if (snap) await this.restoreSnapshot(snap);
    for (const e of rd.committedEntries) {
      if (this.stopped) return;
      if (e.index <= this.appliedIndex) continue;
      if (e.type === "confChange") this.applyConfEntry(e);
      else await this.applyNormal(e);
      this.appliedIndex = e.index;
      this.appliedTerm = e.term;
    }
    await this.maybeSnapshot();
  }

  private async applyNormal(e: Entry): Promise<void> {
    let framed: ReturnType<typeof unframeProposal>;
    try {
      framed = unframeProposal(e.data);
    } catch (err) {
      this.log.error(
        { raftId: this.raftId, index: e.index, err: err instanceof Error ? err.message : String(err) },
        "raft: skipped an entry that is not a proposal",
      );
      return;
    }
    if (!framed) return;
    await this.opts.apply(framed.data, e.index);
    const w = this.waiters.get(framed.requestId);
    if (w) {
      this.waiters.delete(framed.requestId);
      w.resolve(e.index);
    }
  }

  private applyConfEntry(e: Entry): void {
    const cc = decodeConfChange(e.data);
    if (cc.type === "addNode" && this.membership.isRemoved(cc.nodeId)) {
      this.settleConf(cc, raftError(ErrIDRemoved));
      return;
    }
    this.confState = this.core.applyConfChange(cc);
    const t = this.opts.transport;
    switch (cc.type) {
      case "addNode":
      case "updateNode":
        this.membership.set(this.memberOf(cc));
        if (cc.nodeId !== this.raftId) t.addPeer(cc.nodeId);
        break;
      case "removeNode":
        this.membership.remove(cc.nodeId);
        t.removePeer(cc.nodeId);
        if (cc.nodeId === this.raftId) this.removeSelf();
        break;
    }
    this.settleConf(cc);
  }

  private memberOf(cc: ConfChange): RaftMember {
    if (cc.context.length > 0) {
      try {
        const m = decodeRaftMember(cc.context);
        return { ...m, raftId: cc.nodeId };
      } catch (err) {
        this.log.warn(
          { raftId: this.raftId, nodeId: cc.nodeId, err: err instanceof Error ? err.message : String(err) },
          "raft: conf change with a malformed member context",
        );
      }
    }
    if (cc.nodeId === this.raftId) return this.opts.self;
    return { raftId: cc.nodeId, nodeId: "", addr: "" };
  }

  /** A member says this one was removed (it applied the removal; this member never got the commit). */
  private removedNotice(by: RaftId): void {
    if (this.removedSelf || !this.membership.has(by) || !this.membership.has(this.raftId)) return;
    this.log.warn({ raftId: this.raftId, by }, ErrMemberRemoved);
    this.membership.remove(this.raftId);
    this.removeSelf();
    void this.stop();
  }

  private removeSelf(): void {
    this.removedSelf = true;
    this.rejectAll(raftError(ErrMemberRemoved));
    this.actor.send({ type: "REMOVED" });
  }

  private settleConf(cc: ConfChange, err?: Error): void {
    const i = this.confWaiters.findIndex((w) => w.type === cc.type && w.nodeId === cc.nodeId);
    if (i < 0) return;
    const [w] = this.confWaiters.splice(i, 1);
    if (err) w?.reject(err);
    else w?.resolve(0);
  }

  private async restoreSnapshot(snap: Snapshot): Promise<void> {
    const payload = decodeSnapshotPayload(snap.data);
    this.membership.load(payload.members, payload.removed);
    const t = this.opts.transport;
    for (const id of t.peers()) if (!this.membership.has(id)) t.removePeer(id);
    for (const m of payload.members) if (m.raftId !== this.raftId) t.addPeer(m.raftId);
    this.confState = snap.metadata.confState;
    this.snapshotIndex = snap.metadata.index;
    this.appliedIndex = Math.max(this.appliedIndex, snap.metadata.index);
    this.appliedTerm = snap.metadata.term;
    await this.opts.restore?.(payload.data);
  }

  /** The cluster spec's Raft settings now, or this node's own when there is no cluster object yet. */
  private snapshotConfig(): SnapshotConfig {
    return (
      this.opts.raftConfig?.() ?? {
        snapshotInterval: this.opts.snapshotInterval ?? DEFAULT_SNAPSHOT_INTERVAL,
        keepOldSnapshots: 0,
        logEntriesForSlowFollowers: this.opts.logEntriesForSlowFollowers ?? DEFAULT_LOG_ENTRIES_FOR_SLOW_FOLLOWERS,
      }
    );
  }

  /**
   * SwarmKit: SnapshotInterval > 0 and appliedIndex - snapshot index >= SnapshotInterval →
   * snapshot (keeping KeepOldSnapshots older files), compact keeping slow followers' entries.
   */
  private async maybeSnapshot(): Promise<void> {
    const cfg = this.snapshotConfig();
    const interval = cfg.snapshotInterval;
    if (this.stopped || interval <= 0 || this.appliedIndex - this.snapshotIndex < interval) return;
    const owner = (await this.opts.snapshotData?.()) ?? new Uint8Array(0);
    const data = encodeSnapshotPayload({
      members: this.membership.list(),
      removed: this.membership.removed(),
      data: owner,
    });
    const snap = this.mem.createSnapshot(this.appliedIndex, this.confState, data);
    await this.storage.saveSnapshot(snap, cfg.keepOldSnapshots);
    this.snapshotIndex = snap.metadata.index;
    const keep = cfg.logEntriesForSlowFollowers;
    const compactTo = this.appliedIndex - keep;
    if (compactTo > this.mem.firstIndex()) this.mem.compact(compactTo);
  }

  // --- role mirror, waiters -------------------------------------------------------

  /** Sends CORE_STATE when the core's role, term or leader changed; fails waits on lost leadership. */
  private syncMachine(): void {
    const st = this.core.status();
    const prev = this.lastCore;
    if (st.role === prev.role && st.term === prev.term && st.lead === prev.lead) return;
    this.lastCore = { role: st.role, term: st.term, lead: st.lead };
    if (prev.role === "leader" && st.role !== "leader") {
      this.rejectAll(raftError(ErrLostLeadership));
    }
    if (!this.removedSelf) this.actor.send({ type: "CORE_STATE", role: st.role, term: st.term, lead: st.lead });
    this.checkWatchers();
  }

  private rejectAll(err: Error): void {
    const ws = [...this.waiters.values(), ...this.confWaiters];
    this.waiters.clear();
    this.confWaiters = [];
    for (const w of ws) w.reject(err);
  }

  private refuseMembershipChange(): Error | undefined {
    if (this.stopped) return raftError(ErrStopped);
    if (!this.isMember()) return raftError(ErrNoRaftMember);
    if (!this.isLeader()) return raftError(ErrLostLeadership);
    return undefined;
  }

  private changeConf(cc: ConfChange): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const w: ConfWaiter = { type: cc.type, nodeId: cc.nodeId, resolve: () => resolve(), reject };
      this.confWaiters.push(w);
      try {
        this.core.proposeConfChange(cc);
      } catch (e) {
        this.confWaiters = this.confWaiters.filter((x) => x !== w);
        reject(e instanceof ErrProposalDropped ? raftError(ErrConfChangeRefused) : e);
        return;
      }
      this.afterInput();
    });
  }

  private waitUntil(pred: () => boolean, timeoutMs: number): Promise<void> {
    if (pred()) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.watchers = this.watchers.filter((x) => x !== w);
        reject(rpcError("DeadlineExceeded", "context deadline exceeded"));
      }, timeoutMs);
      const w: StateWatcher = {
        check: () => {
          if (!pred()) return false;
          clearTimeout(timer);
          resolve();
          return true;
        },
        fail: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      };
      this.watchers.push(w);
    });
  }

  private checkWatchers(): void {
    if (this.watchers.length > 0) this.watchers = this.watchers.filter((w) => !w.check());
  }

  private fail(e: unknown): void {
    const err = e instanceof Error ? e : new Error(String(e));
    this.log.error({ raftId: this.raftId, err: err.message }, "raft: node stopped on a fatal error");
    this.opts.onFatal?.(err);
    void this.stop();
  }
}
