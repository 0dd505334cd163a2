import type { ActorTransition } from "../../bus/events.ts";

/** One transition in the timeline; `routine` marks a move the actor keeps repeating (heartbeats). */
export type TimelineEntry = ActorTransition & { routine: boolean };

export interface TimelineLimits {
  /** Transitions kept that are not routine. */
  notable: number;
  /** Routine transitions kept (they come several times a second and would push everything else out). */
  routine: number;
  /** A move (same actor, same from → to) seen this many times within `windowMs` before is routine. */
  repeats: number;
  windowMs: number;
}

export const DEFAULT_TIMELINE_LIMITS: TimelineLimits = { notable: 300, routine: 100, repeats: 2, windowMs: 60_000 };

const entryKey = (t: ActorTransition) => `${t.node}\u0000${t.actor}\u0000${t.time}\u0000${t.state}`;
const moveKey = (t: ActorTransition) => `${t.node}\u0000${t.actor}\u0000${t.from}\u0000${t.state}`;

/**
 * The latest transitions in time order, each once. Routine moves (a session's
 * heartbeat loop) are kept in their own, smaller, budget so that a minute of
 * heartbeats does not push a node going down out of view.
 */
export class Timeline {
  private readonly notable: TimelineEntry[] = [];
  private readonly routine: TimelineEntry[] = [];
  private readonly keys = new Set<string>();
  private readonly moves = new Map<string, number[]>();

  constructor(private readonly limits: TimelineLimits = DEFAULT_TIMELINE_LIMITS) {}

  /** The entry added, or null when this transition is already in the timeline (or older than all it keeps). */
  add(t: ActorTransition): TimelineEntry | null {
    const k = entryKey(t);
    if (this.keys.has(k)) return null;
    const entry: TimelineEntry = { ...t, routine: this.isRoutine(t) };
    if (entry.routine) this.reclassify(moveKey(t));
    const ring = entry.routine ? this.routine : this.notable;
    const limit = entry.routine ? this.limits.routine : this.limits.notable;
    if (ring.length >= limit && t.time < ring[0]!.time) return null;
    let i = ring.length;
    while (i > 0 && ring[i - 1]!.time > t.time) i--;
    ring.splice(i, 0, entry);
    this.keys.add(k);
    while (ring.length > limit) this.keys.delete(entryKey(ring.shift()!));
    return entry;
  }

  /** Oldest first; the last `last` entries when given. */
  entries(filter: { node?: string; last?: number } = {}): TimelineEntry[] {
    const all = [...this.notable, ...this.routine]
      .filter((e) => filter.node === undefined || e.node === filter.node)
      .sort((a, b) => (a.time < b.time ? -1 : a.time > b.time ? 1 : 0));
    return filter.last === undefined ? all : all.slice(Math.max(0, all.length - filter.last));
  }

  /** A move that turned routine was routine from its first time: its earlier entries leave the notable ring. */
  private reclassify(move: string): void {
    for (let i = this.notable.length - 1; i >= 0; i--) {
      const e = this.notable[i]!;
      if (moveKey(e) !== move) continue;
      this.notable.splice(i, 1);
      const ring = this.routine;
      let j = ring.length;
      while (j > 0 && ring[j - 1]!.time > e.time) j--;
      ring.splice(j, 0, { ...e, routine: true });
    }
    while (this.routine.length > this.limits.routine) this.keys.delete(entryKey(this.routine.shift()!));
  }

  private isRoutine(t: ActorTransition): boolean {
    if (t.from === null) return false;
    const at = Date.parse(t.time);
    const k = moveKey(t);
    const recent = (this.moves.get(k) ?? []).filter((ms) => ms > at - this.limits.windowMs && ms <= at);
    recent.push(at);
    this.moves.set(k, recent.slice(-this.limits.repeats - 1));
    return recent.length > this.limits.repeats;
  }
}
