import { decodeConfChange } from "../../../../src/raft/codec.ts";
import { type CoreConfig, ErrProposalDropped, MemoryStorage, RaftCore } from "../../../../src/raft/core/index.ts";
import type { ConfState, Message, RaftId, ReadState, Ready } from "../../../../src/raft/types.ts";
import { Rng } from "./prng.ts";
import { SafetyChecker, Violation } from "./safety-checker.ts";
import { SimNetwork } from "./sim-network.ts";

export type CoreFactory = (cfg: CoreConfig) => RaftCore;

export interface SimOptions {
  seed: number;
  /** Steps of faults and traffic before healing (default 300). */
  steps?: number;
  /** Builds each member's core (a test swaps in a deliberately broken one). */
  makeCore?: CoreFactory;
  /** Sees each Ready as it leaves a core (scripts/raft-ready-hash.ts); must not touch the core. */
  observeReady?: (id: RaftId, rd: Ready, core: RaftCore) => void;
  /**
   * Leaders are also asked for linearizable reads (RaftCore.readIndex): each ReadState must come
   * from the member asked and lie at or past every write acknowledged before the read was asked.
   * Off by default, so the runs without reads keep their exact schedule.
   */
  reads?: boolean;
}

export interface SimStats {
  members: number;
  proposals: number;
  acked: number;
  leaders: number;
  crashes: number;
  confChanges: number;
  snapshots: number;
  snapshotsSent: number;
  transfers: number;
  /** Reads the leader confirmed (with `reads`). */
  reads: number;
}

export interface SimResult {
  seed: number;
  ok: boolean;
  /** `raft sim failed: seed=<n> step=<k>: <what>` when not ok. */
  failure?: string;
  trace: string[];
  stats: SimStats;
}

const TRACE_LENGTH = 40;
const HEAL_STEPS = 3000;
const text = new TextEncoder();
const untext = new TextDecoder();

interface Member {
  readonly id: RaftId;
  readonly storage: MemoryStorage;
  core: RaftCore | undefined;
  /** Applied itself out of the cluster: stopped for good (SwarmKit's ErrMemberRemoved). */
  stopped: boolean;
  /** The state machine: proposal ids in apply order, lost on crash, rebuilt from the snapshot. */
  sm: string[];
  appliedIndex: number;
  confState: ConfState;
  restartAt: number;
  lastCommit: number;
}

interface Proposal {
  readonly proposer: RaftId;
  acked: boolean;
}

/** One seeded run of a Raft cluster under faults, checked every step. */
export class Simulation {
  private readonly rng: Rng;
  private readonly net: SimNetwork;
  private readonly check = new SafetyChecker();
  private readonly members = new Map<RaftId, Member>();
  private readonly proposals = new Map<string, Proposal>();
  /** Reads asked and not yet confirmed: who was asked, and the highest index acknowledged before. */
  private readonly reads = new Map<string, { readonly leader: RaftId; readonly mustSee: number }>();
  private nextRead = 1;
  /** Highest index of a proposal its proposer has applied (acknowledged to its client). */
  private maxAcked = 0;
  private readonly trace: string[] = [];
  private readonly makeCore: CoreFactory;
  private step = 0;
  private nextId = 1;
  private nextProposal = 1;
  private readonly electionTick: number;
  private readonly maxSizePerMsg: number;
  private readonly maxInflight: number;
  private readonly snapEvery: number;
  private crashMidReady: number;
  readonly stats: SimStats;

  constructor(private readonly opts: SimOptions) {
    this.rng = new Rng(opts.seed);
    this.makeCore = opts.makeCore ?? ((cfg) => new RaftCore(cfg));
    const r = this.rng;
    this.net = new SimNetwork(r, { drop: r.next() * 0.1, duplicate: r.next() * 0.05, maxDelay: r.int(5) });
    this.electionTick = r.between(4, 10);
    this.maxSizePerMsg = r.pick([1, 40, 200, 65535])!;
    this.maxInflight = r.pick([1, 2, 4, 256])!;
    this.snapEvery = r.between(3, 30);
    this.crashMidReady = r.chance(0.5) ? 0.002 : 0;
    const n = r.chance(0.1) ? 1 : r.between(3, 5);
    this.stats = { ...zeroStats(), members: n };
    const ids = Array.from({ length: n }, () => String(this.nextId++));
    for (const id of ids) {
      const storage = new MemoryStorage();
      RaftCore.bootstrap(storage, ids);
      const m = this.newMember(id, storage);
      for (let i = 1; i <= n; i++) this.check.commit(id, i, 1, 1);
      m.lastCommit = n;
    }
    this.note(`start: members ${ids.join(",")} electionTick=${this.electionTick} maxSize=${this.maxSizePerMsg}`);
  }

  run(): SimResult {
    try {
      for (this.step = 1; this.step <= (this.opts.steps ?? 300); this.step++) {
        this.act();
        this.afterStep();
      }
      this.heal();
      return { seed: this.opts.seed, ok: true, trace: [], stats: this.stats };
    } catch (e) {
      const what = e instanceof Violation ? e.message : `core threw ${(e as Error).stack ?? String(e)}`;
      return {
        seed: this.opts.seed,
        ok: false,
        failure: `raft sim failed: seed=${this.opts.seed} step=${this.step}: ${what}`,
        trace: this.trace,
        stats: this.stats,
      };
    }
  }

  // --- members --------------------------------------------------------------

  private newMember(id: RaftId, storage: MemoryStorage): Member {
    const m: Member = {
      id,
      storage,
      core: undefined,
      stopped: false,
      sm: [],
      appliedIndex: 0,
      confState: { voters: [] },
      restartAt: -1,
      lastCommit: 0,
    };
    this.members.set(id, m);
    this.start(m);
    return m;
  }

  /** (Re)starts a member from what it persisted, as the shell does after a crash. */
  private start(m: Member): void {
    const snap = m.storage.snapshot();
    m.sm = snap.metadata.index > 0 ? (JSON.parse(untext.decode(snap.data)) as string[]) : [];
    m.appliedIndex = snap.metadata.index;
    m.confState = snap.metadata.confState;
    m.lastCommit = m.storage.initialState().hardState.commit;
    m.restartAt = -1;
    m.core = this.makeCore({
      id: m.id,
      electionTick: this.electionTick,
      heartbeatTick: 1,
      preVote: true,
      checkQuorum: true,
      maxSizePerMsg: this.maxSizePerMsg,
      maxInflightMsgs: this.maxInflight,
      storage: m.storage,
      random: this.rng.next,
      applied: snap.metadata.index,
    });
    this.processReady(m);
  }

  private crash(m: Member, why: string): void {
    m.core = undefined;
    m.sm = [];
    m.restartAt = this.step + this.rng.between(5, 60);
    this.stats.crashes++;
    this.note(`crash ${m.id} (${why})`);
  }

  private live(): Member[] {
    return [...this.members.values()].filter((m) => m.core && !m.stopped);
  }

  private leaders(): Member[] {
    return this.live().filter((m) => m.core!.status().role === "leader");
  }

  // --- one step -------------------------------------------------------------

  private act(): void {
    const r = this.rng.next();
    if (r < 0.45) {
      for (let k = this.rng.between(1, 3); k > 0; k--) this.deliverOne();
    } else if (r < 0.7) {
      for (const m of this.live()) if (this.rng.chance(0.95)) this.tick(m);
    } else if (r < 0.85) {
      if (this.opts.reads && this.rng.chance(0.4)) this.read();
      else this.propose();
    } else {
      const f = this.rng.next();
      if (f < 0.2) {
        // Leaders half the time: that is where elections, overwrites and figure 8 come from.
        const m = this.rng.pick(this.rng.chance(0.5) ? this.leaders() : this.live());
        if (m) this.crash(m, "fault");
      } else if (f < 0.4) this.partition();
      else if (f < 0.65) {
        if (this.net.partitioned) this.note("heal partition");
        this.net.heal();
      } else if (f < 0.85) this.changeMembership();
      else this.transfer();
    }
    for (const m of this.members.values()) {
      if (!m.core && !m.stopped && m.restartAt >= 0 && m.restartAt <= this.step) {
        this.note(`restart ${m.id}`);
        this.start(m);
      }
    }
  }

  private tick(m: Member): void {
    m.core!.tick();
    this.processReady(m);
  }

  private deliverOne(): boolean {
    const taken = this.net.takeDue(this.step);
    if (!taken) return false;
    this.deliver(taken.m, taken.lost);
    return true;
  }

  private deliver(msg: Message, lost: boolean): void {
    const to = this.members.get(msg.to);
    const from = this.members.get(msg.from);
    const alive = !lost && !!to?.core && !to.stopped;
    if (msg.type === "MsgSnap" && from?.core && !from.stopped) {
      from.core.reportSnapshot(msg.to, alive);
      this.processReady(from);
    }
    if (!alive) return;
    to!.core!.step(msg);
    this.processReady(to!);
  }

  private propose(): void {
    const leader = this.rng.pick(this.leaders());
    if (!leader) return;
    const data = `p${this.nextProposal++}`;
    try {
      leader.core!.propose(text.encode(data));
    } catch (e) {
      if (e instanceof ErrProposalDropped) return;
      throw e;
    }
    this.proposals.set(data, { proposer: leader.id, acked: false });
    this.stats.proposals++;
    this.processReady(leader);
  }

  /** A read asked of a leader: linearizable if its ReadState sees every write acknowledged by now. */
  private read(): void {
    const leader = this.rng.pick(this.leaders());
    if (!leader) return;
    const ctx = `r${this.nextRead++}`;
    this.reads.set(ctx, { leader: leader.id, mustSee: this.maxAcked });
    leader.core!.readIndex(text.encode(ctx));
    this.processReady(leader);
  }

  private readConfirmed(m: Member, rs: ReadState): void {
    const ctx = untext.decode(rs.ctx);
    const asked = this.reads.get(ctx);
    if (!asked || asked.leader !== m.id) throw new Violation(`${m.id} confirmed read ${ctx}, which it was never asked`);
    this.reads.delete(ctx);
    if (rs.index < asked.mustSee) {
      throw new Violation(
        `linearizable read: ${m.id} confirmed read ${ctx} at index ${rs.index}, before write ${asked.mustSee} acknowledged before it was asked`,
      );
    }
    this.stats.reads++;
    this.note(`${m.id} confirms read ${ctx} at ${rs.index}`);
  }

  private partition(): void {
    const ids = [...this.members.keys()];
    const a: RaftId[] = [];
    const b: RaftId[] = [];
    const alone = this.rng.chance(0.5) ? this.rng.pick(this.leaders())?.id : undefined;
    for (const id of ids) (alone ? id === alone : this.rng.chance(0.5)) ? a.push(id) : b.push(id);
    this.net.partition([a, b]);
    this.note(`partition [${a.join(",")}] | [${b.join(",")}]`);
  }

  private changeMembership(): void {
    const leader = this.rng.pick(this.leaders());
    if (!leader) return;
    const voters = leader.core!.status().voters;
    const add = voters.length < 3 || (voters.length < 5 && this.rng.chance(0.5));
    if (!add && voters.length <= 3) return;
    const nodeId = add ? String(this.nextId) : this.rng.pick(voters)!;
    try {
      leader.core!.proposeConfChange({ type: add ? "addNode" : "removeNode", nodeId, context: new Uint8Array(0) });
    } catch (e) {
      if (e instanceof ErrProposalDropped) return;
      throw e;
    }
    this.stats.confChanges++;
    this.note(`${leader.id} proposes ${add ? "add" : "remove"} ${nodeId}`);
    if (add) {
      // The joiner starts empty and waits for the leader (IDs are never reused).
      this.nextId++;
      this.newMember(nodeId, new MemoryStorage());
    }
    this.processReady(leader);
  }

  private transfer(): void {
    const leader = this.rng.pick(this.leaders());
    if (!leader) return;
    const to = this.rng.pick(leader.core!.status().voters.filter((v) => v !== leader.id));
    if (!to) return;
    this.stats.transfers++;
    this.note(`${leader.id} transfers leadership to ${to}`);
    leader.core!.transferLeadership(to);
    this.processReady(leader);
  }

  // --- the shell discipline ---------------------------------------------------

  private processReady(m: Member): void {
    for (let guard = 0; m.core && !m.stopped && m.core.hasReady(); guard++) {
      if (guard > 1000) throw new Violation(`${m.id} never stops having a Ready`);
      const core = m.core;
      const rd = core.ready();
      this.opts.observeReady?.(m.id, rd, core);
      if (this.crashMidReady > 0 && this.rng.chance(this.crashMidReady)) {
        this.crash(m, "before persisting a Ready");
        return;
      }
      this.persist(m, rd);
      if (this.crashMidReady > 0 && this.rng.chance(this.crashMidReady)) {
        this.crash(m, "after persisting, before sending");
        return;
      }
      for (const msg of rd.messages) {
        if (msg.type === "MsgSnap") this.stats.snapshotsSent++;
        if (!this.net.send(msg, this.step)) {
          if (msg.type === "MsgSnap") core.reportSnapshot(msg.to, false);
          else if (this.net.cut(msg.from, msg.to) && this.rng.chance(0.3)) core.reportUnreachable(msg.to);
        }
      }
      for (const rs of rd.readStates) this.readConfirmed(m, rs);
      const removedSelf = this.apply(m, rd);
      core.advance(rd);
      if (removedSelf) {
        m.stopped = true;
        m.core = undefined;
        this.note(`${m.id} applied its own removal and stops`);
        return;
      }
      this.maybeSnapshot(m);
    }
  }

  private persist(m: Member, rd: Ready): void {
    const s = m.storage;
    if (rd.snapshot) {
      s.applySnapshot(rd.snapshot);
      m.sm = JSON.parse(untext.decode(rd.snapshot.data)) as string[];
      m.appliedIndex = rd.snapshot.metadata.index;
      m.confState = rd.snapshot.metadata.confState;
      this.committedAt(m, rd.snapshot.metadata.index, rd.snapshot.metadata.term);
      this.note(`${m.id} installs snapshot ${rd.snapshot.metadata.index}/${rd.snapshot.metadata.term}`);
    }
    s.append(rd.entries);
    for (let j = 0; j < rd.entries.length; j++) {
      const e = rd.entries[j]!;
      this.check.persisted(m.id, e, j > 0 ? rd.entries[j - 1]!.term : this.termAt(m, e.index - 1));
    }
    if (rd.hardState) {
      s.setHardState(rd.hardState);
      for (let i = m.lastCommit + 1; i <= rd.hardState.commit; i++) {
        const t = this.termAt(m, i);
        if (t !== undefined) this.committedAt(m, i, t);
      }
      m.lastCommit = Math.max(m.lastCommit, rd.hardState.commit);
    }
    if (rd.softState) {
      this.note(`${m.id} is ${rd.softState.role} (lead ${rd.softState.lead}) term ${m.core!.status().term}`);
      if (rd.softState.role === "leader") this.becameLeader(m);
    }
  }

  private termAt(m: Member, i: number): number | undefined {
    try {
      return m.storage.term(i);
    } catch {
      return undefined;
    }
  }

  /** Leader completeness at election time: the new leader holds every entry committed before its term. */
  private becameLeader(m: Member): void {
    const term = m.core!.status().term;
    this.check.leader(term, m.id);
    this.stats.leaders++;
    for (const [i, c] of this.check.committed) {
      if (c.by >= term || i < m.storage.firstIndex()) continue;
      if (this.termAt(m, i) !== c.term) {
        throw new Violation(
          `leader completeness: leader ${m.id} of term ${term} lacks entry ${i}/${c.term} committed by term ${c.by}`,
        );
      }
    }
  }

  /** A member learnt that i (of term t) is committed: every leader of a later term must hold it. */
  private committedAt(m: Member, i: number, t: number): void {
    const c = this.check.commit(m.id, i, t, m.core!.status().term);
    for (const l of this.leaders()) {
      const lt = l.core!.status().term;
      if (lt <= c.by || i < l.storage.firstIndex()) continue;
      if (this.termAt(l, i) !== t) {
        throw new Violation(
          `leader completeness: leader ${l.id} of term ${lt} lacks entry ${i}/${t} committed by term ${c.by}`,
        );
      }
    }
  }

  /** Applies committed entries; returns true if the member applied its own removal. */
  private apply(m: Member, rd: Ready): boolean {
    let removedSelf = false;
    for (const e of rd.committedEntries) {
      if (e.index <= m.appliedIndex) continue;
      if (e.index !== m.appliedIndex + 1) {
        throw new Violation(`${m.id} applies entry ${e.index} after ${m.appliedIndex}: a gap`);
      }
      this.check.applied(m.id, e);
      m.appliedIndex = e.index;
      if (e.type === "confChange") {
        const cc = decodeConfChange(e.data);
        m.confState = m.core!.applyConfChange(cc);
        if (cc.type === "removeNode" && cc.nodeId === m.id) removedSelf = true;
      } else if (e.data.byteLength > 0) {
        const id = untext.decode(e.data);
        m.sm.push(id);
        const p = this.proposals.get(id);
        if (p && p.proposer === m.id && !p.acked) {
          p.acked = true;
          this.stats.acked++;
          this.maxAcked = Math.max(this.maxAcked, e.index);
        }
      }
    }
    return removedSelf;
  }

  private maybeSnapshot(m: Member): void {
    const s = m.storage;
    if (m.appliedIndex - s.snapshot().metadata.index < this.snapEvery) return;
    s.createSnapshot(m.appliedIndex, m.confState, text.encode(JSON.stringify(m.sm)));
    const compactTo = m.appliedIndex - this.rng.int(4);
    if (compactTo >= s.firstIndex()) s.compact(compactTo);
    this.stats.snapshots++;
  }

  private afterStep(): void {
    for (const m of this.live()) {
      const st = m.core!.status();
      if (st.role === "leader") this.check.leader(st.term, m.id);
    }
  }

  // --- the end of a run -------------------------------------------------------

  /** Heals everything, then every acknowledged proposal must reach every live voter. */
  private heal(): void {
    this.note("heal: restart all, no partition, no loss");
    this.net.heal();
    this.net.faults = { drop: 0, duplicate: 0, maxDelay: 0 };
    this.crashMidReady = 0;
    for (const m of this.members.values()) if (!m.core && !m.stopped) this.start(m);
    const end = this.step + HEAL_STEPS;
    for (; this.step < end; this.step++) {
      for (let k = 0; k < 20000 && this.deliverOne(); k++) {}
      if (this.converged()) return;
      for (const m of this.live()) this.tick(m);
      this.afterStep();
    }
    throw new Violation(`liveness: not converged ${HEAL_STEPS} steps after healing: ${this.describe()}`);
  }

  private converged(): boolean {
    const leaders = this.leaders();
    if (leaders.length !== 1) return false;
    const leader = leaders[0]!;
    const acked = [...this.proposals].filter(([, p]) => p.acked).map(([d]) => d);
    for (const id of leader.core!.status().voters) {
      const m = this.members.get(id);
      if (!m?.core || m.stopped) return false;
      if (m.appliedIndex < leader.appliedIndex) return false;
      const have = new Set(m.sm);
      for (const d of acked) {
        if (!have.has(d)) return false;
      }
    }
    return true;
  }

  private describe(): string {
    return [...this.members.values()]
      .map((m) => {
        if (m.stopped) return `${m.id}:stopped`;
        if (!m.core) return `${m.id}:down`;
        const s = m.core.status();
        return `${m.id}:${s.role}@${s.term} lead=${s.lead} commit=${s.commit} applied=${m.appliedIndex} voters=${s.voters.join(",")}`;
      })
      .join("; ");
  }

  private note(s: string): void {
    this.trace.push(`#${this.step} ${s}`);
    if (this.trace.length > TRACE_LENGTH) this.trace.shift();
  }
}

export const runSeed = (opts: SimOptions): SimResult => new Simulation(opts).run();

/** Runs seeds from `seedStart` until `budgetMs` is spent (at least minRuns). */
export function runBudget(opts: {
  seedStart: number;
  budgetMs: number;
  minRuns?: number;
  maxRuns?: number;
  makeCore?: CoreFactory;
  stopAtFirstFailure?: boolean;
  reads?: boolean;
}): { runs: number; failures: SimResult[]; totals: SimStats } {
  const started = performance.now();
  const failures: SimResult[] = [];
  const totals = zeroStats();
  let runs = 0;
  for (let seed = opts.seedStart; ; seed++) {
    const elapsed = performance.now() - started;
    if (runs >= (opts.minRuns ?? 0) && elapsed >= opts.budgetMs) break;
    if (opts.maxRuns !== undefined && runs >= opts.maxRuns) break;
    const r = runSeed({
      seed,
      ...(opts.makeCore ? { makeCore: opts.makeCore } : {}),
      ...(opts.reads ? { reads: true } : {}),
    });
    runs++;
    for (const k of Object.keys(totals) as (keyof SimStats)[]) totals[k] += r.stats[k];
    if (!r.ok) {
      failures.push(r);
      if (opts.stopAtFirstFailure) break;
    }
  }
  return { runs, failures, totals };
}

export const formatFailure = (r: SimResult): string =>
  `${r.failure}\n  trace (last ${r.trace.length} events):\n${r.trace.map((t) => `    ${t}`).join("\n")}\n  replay: SWARMBUS_RAFT_SEED=${r.seed} node --import tsx test/raft/sim/seeds.test.ts`;

function zeroStats(): SimStats {
  return {
    members: 0,
    proposals: 0,
    acked: 0,
    leaders: 0,
    crashes: 0,
    confChanges: 0,
    snapshots: 0,
    snapshotsSent: 0,
    transfers: 0,
    reads: 0,
  };
}
