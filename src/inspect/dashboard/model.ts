import type { ActorTransition } from "../../bus/events.ts";
import { machineOfActor } from "./actor-machines.ts";
import { emptyNodes, type NodesView } from "./nodes-view.ts";
import { emptyServices, type ServicesView } from "./services-view.ts";
import { Timeline, type TimelineEntry } from "./timeline.ts";

/**
 * What the dashboard knows, in one place, with no I/O: the latest transition
 * of every actor, a timeline of transitions, the daemons, the nodes table, the
 * services and their tasks, and the Raft term and leader derived from the raft
 * actors. Every change is
 * handed to the listeners as an update the page applies as it is.
 */
export interface ActorView {
  node: string;
  actor: string;
  /** The machine it runs (a key of machines/index.ts), or null. */
  machine: string | null;
  transition: ActorTransition;
}

export interface DaemonView {
  name: string;
  /** Answered discovery lately; a killed daemon turns false after two silent rounds. */
  reachable: boolean;
}

export interface RaftView {
  /** The highest term any raft actor has reported; null before any manager is seen. */
  term: number | null;
  /** The node whose raft actor leads in that term, or null when none does. */
  leader: string | null;
}

export interface DashboardSnapshot {
  daemons: DaemonView[];
  nodes: NodesView;
  services: ServicesView;
  actors: ActorView[];
  /** Oldest first. */
  timeline: TimelineEntry[];
  raft: RaftView;
}

export type DashboardUpdate =
  /** `actor` is the actor's latest state; `entry` the transition as the timeline took it (null if already there). */
  | { type: "transition"; actor: ActorView; raft: RaftView; entry: TimelineEntry | null }
  | { type: "nodes"; nodes: NodesView }
  | { type: "services"; services: ServicesView }
  | { type: "daemons"; daemons: DaemonView[] };

/** The most `?timeline=N` asks for. */
export const TIMELINE_LIMIT = 1000;
/** Discovery rounds a daemon may miss before it shows as unreachable (one miss is noise on a busy machine). */
const MISSES_BEFORE_UNREACHABLE = 2;

const key = (node: string, actor: string) => `${node}\u0000${actor}`;

export class DashboardModel {
  private readonly actors = new Map<string, ActorView>();
  private readonly timeline = new Timeline();
  private readonly daemons = new Map<string, { misses: number }>();
  private nodes: NodesView = emptyNodes();
  private services: ServicesView = emptyServices();
  private readonly listeners = new Set<(u: DashboardUpdate) => void>();

  onUpdate(listener: (u: DashboardUpdate) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * A transition from the events stream or from a daemon's `actors` answer.
   * The actor keeps its latest one by time (an answer that raced a newer event
   * does not win); the timeline keeps each transition once, in time order.
   */
  applyTransition(t: ActorTransition): void {
    const k = key(t.node, t.actor);
    const known = this.actors.get(k);
    // Same time, other state: two transitions within one millisecond, and the later one arrives last.
    const newer =
      !known ||
      known.transition.time < t.time ||
      (known.transition.time === t.time && known.transition.state !== t.state);
    const entry = this.timeline.add(t);
    this.learnDaemon(t.node);
    if (!newer && !entry) return;
    const view: ActorView = newer
      ? { node: t.node, actor: t.actor, machine: machineOfActor(t.actor), transition: t }
      : known!;
    this.actors.set(k, view);
    this.emit({ type: "transition", actor: view, raft: this.raft(), entry });
  }

  setNodes(nodes: NodesView): void {
    if (JSON.stringify(nodes) === JSON.stringify(this.nodes)) return;
    this.nodes = nodes;
    this.emit({ type: "nodes", nodes });
  }

  setServices(services: ServicesView): void {
    if (JSON.stringify(services) === JSON.stringify(this.services)) return;
    this.services = services;
    this.emit({ type: "services", services });
  }

  /** The names that answered one discovery round. */
  discovered(names: readonly string[]): void {
    const before = JSON.stringify(this.daemonViews());
    const answered = new Set(names);
    for (const [name, d] of this.daemons) d.misses = answered.has(name) ? 0 : d.misses + 1;
    for (const name of answered) if (!this.daemons.has(name)) this.daemons.set(name, { misses: 0 });
    this.emitDaemonsIfChanged(before);
  }

  /** The daemons, reachable or not, by name. */
  daemonViews(): DaemonView[] {
    return [...this.daemons.entries()]
      .map(([name, d]) => ({ name, reachable: d.misses < MISSES_BEFORE_UNREACHABLE }))
      .sort((a, b) => a.name.localeCompare(b.name, "en", { numeric: true }));
  }

  /** Managers first (the raft leader before the others), then the rest: the order to ask for `node.ls`. */
  controlCandidates(): string[] {
    const raft = this.raft();
    const managers = new Set(
      [...this.actors.values()]
        .filter((a) => a.actor === "raft" || (a.actor === "node" && a.transition.state.includes("manager.ready")))
        .map((a) => a.node),
    );
    const score = (n: string) => (n === raft.leader ? 0 : managers.has(n) ? 1 : 2);
    return this.daemonViews()
      .filter((d) => d.reachable)
      .map((d) => d.name)
      .sort((a, b) => score(a) - score(b));
  }

  raft(): RaftView {
    const rafts = [...this.actors.values()].filter((a) => a.actor === "raft");
    const term = (a: ActorView) => {
      const v = a.transition.context?.term;
      return typeof v === "number" ? v : -1;
    };
    if (rafts.length === 0) return { term: null, leader: null };
    const top = Math.max(...rafts.map(term));
    const leading = rafts.find((a) => a.transition.state === "leader" && term(a) === top);
    if (leading) return { term: top, leader: leading.node };
    // No leader among the latest states seen: a follower may still name the leader's raft ID.
    const lead = rafts.map((a) => a.transition.context?.lead).find((l) => typeof l === "string" && l !== "0");
    const byRaftId = rafts.find((a) => a.transition.context?.raftId === lead);
    return { term: top >= 0 ? top : null, leader: byRaftId?.node ?? null };
  }

  snapshot(filter: { node?: string; timeline?: number } = {}): DashboardSnapshot {
    return {
      daemons: this.daemonViews().filter((d) => filter.node === undefined || d.name === filter.node),
      nodes: this.nodes,
      services: this.services,
      actors: [...this.actors.values()].filter((a) => filter.node === undefined || a.node === filter.node),
      timeline: this.timeline.entries({
        ...(filter.node !== undefined ? { node: filter.node } : {}),
        ...(filter.timeline !== undefined ? { last: filter.timeline } : {}),
      }),
      raft: this.raft(),
    };
  }

  private learnDaemon(name: string): void {
    const d = this.daemons.get(name);
    if (d && d.misses === 0) return;
    const before = JSON.stringify(this.daemonViews());
    this.daemons.set(name, { misses: 0 });
    this.emitDaemonsIfChanged(before);
  }

  private emitDaemonsIfChanged(before: string): void {
    const now = this.daemonViews();
    if (JSON.stringify(now) !== before) this.emit({ type: "daemons", daemons: now });
  }

  private emit(u: DashboardUpdate): void {
    for (const l of this.listeners) l(u);
  }
}
