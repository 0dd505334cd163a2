import type { ActorTransition } from "../bus/events.ts";
import type { Pattern } from "./pattern.ts";

const on = (nodes: readonly string[] | undefined, t: ActorTransition) => nodes === undefined || nodes.includes(t.node);
const key = (node: string, actor: string) => `${node}\u0000${actor}`;

/**
 * The latest state of every (node, actor), fed from the events stream. A node
 * whose process ends has no live actors: its entries move to `lastSeen` (for
 * the report), and transitions stamped before the exit that arrive late are
 * dropped, so a wait after a restart is satisfied only by the new process.
 */
export class ActorStates {
  private readonly latest = new Map<string, ActorTransition>();
  private readonly before = new Map<string, ActorTransition>();
  private readonly exitedAt = new Map<string, number>();
  private readonly listeners = new Set<() => void>();

  /** Returns false when the transition is stale (from a process that has since exited). */
  add(t: ActorTransition): boolean {
    const exited = this.exitedAt.get(t.node);
    if (exited !== undefined && Date.parse(t.time) < exited) return false;
    const k = key(t.node, t.actor);
    const cur = this.latest.get(k);
    // Older than what is known, or the same transition again (the `actors` answer repeats the stream).
    if (cur && (Date.parse(cur.time) > Date.parse(t.time) || (cur.time === t.time && cur.state === t.state))) {
      return false;
    }
    this.latest.set(k, t);
    for (const l of [...this.listeners]) l();
    return true;
  }

  nodeExited(node: string, at = Date.now()): void {
    this.exitedAt.set(node, at);
    for (const [k, t] of this.latest) {
      if (t.node !== node) continue;
      this.before.set(k, t);
      this.latest.delete(k);
    }
  }

  /** The first live actor matching; `node` undefined means any node, several: any of them. */
  find(node: readonly string[] | undefined, actor: string, state: Pattern): ActorTransition | undefined {
    for (const t of this.latest.values()) {
      if (on(node, t) && t.actor === actor && state.test(t.state)) return t;
    }
    return undefined;
  }

  /** Resolves with the matching transition once there is one; rejects when `signal` aborts. */
  waitFor(
    node: readonly string[] | undefined,
    actor: string,
    state: Pattern,
    signal: AbortSignal,
  ): Promise<ActorTransition> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const t = this.find(node, actor, state);
        if (!t) return;
        done();
        resolve(t);
      };
      const onAbort = () => {
        done();
        reject(signal.reason);
      };
      const done = () => {
        this.listeners.delete(check);
        signal.removeEventListener("abort", onAbort);
      };
      if (signal.aborted) return reject(signal.reason);
      this.listeners.add(check);
      signal.addEventListener("abort", onAbort);
      check();
    });
  }

  /** What is known of that actor now: its live states, or what it was when its process ended. */
  seen(node: readonly string[] | undefined, actor: string): { live: ActorTransition[]; gone: ActorTransition[] } {
    const pick = (m: Map<string, ActorTransition>) => [...m.values()].filter((t) => on(node, t) && t.actor === actor);
    return { live: pick(this.latest), gone: pick(this.before) };
  }

  /** Every actor name seen on `node` (for "no such actor" hints). */
  actorsOf(node: readonly string[] | undefined): string[] {
    const names = new Set<string>();
    for (const t of [...this.latest.values(), ...this.before.values()]) {
      if (on(node, t)) names.add(t.actor);
    }
    return [...names].sort();
  }
}
