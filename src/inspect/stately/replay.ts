import { z } from "zod";

/** What the relay needs of a Stately inspection event; the rest passes through untouched. */
export const RelayedEvent = z.looseObject({
  type: z.enum(["@xstate.actor", "@xstate.snapshot", "@xstate.event"]),
  sessionId: z.string().min(1),
  snapshot: z.looseObject({ status: z.string().optional() }).optional(),
});
export type RelayedEvent = z.infer<typeof RelayedEvent>;

const FINISHED = new Set(["done", "error", "stopped"]);
/** A snapshot saying its actor ended: nothing more will come from that session. */
export const isFinal = (e: RelayedEvent): boolean =>
  e.type === "@xstate.snapshot" && FINISHED.has(e.snapshot?.status ?? "");

/**
 * The live actors as a viewer that connects late must see them: each actor's
 * registration and its latest snapshot, in creation order. Actors that
 * finished are forgotten; past `maxActors`, the oldest are.
 */
export class ReplayState {
  private readonly actors = new Map<string, { actor?: string; snapshot?: string }>();
  constructor(private readonly maxActors = 2000) {}

  record(e: RelayedEvent, raw: string): void {
    if (e.type === "@xstate.event") return;
    if (isFinal(e)) {
      this.actors.delete(e.sessionId);
      return;
    }
    const entry = this.actors.get(e.sessionId) ?? {};
    if (e.type === "@xstate.actor") entry.actor = raw;
    else entry.snapshot = raw;
    this.actors.set(e.sessionId, entry);
    for (const oldest of this.actors.keys()) {
      if (this.actors.size <= this.maxActors) break;
      this.actors.delete(oldest);
    }
  }

  /**
   * The sessions of a source that went away, as stop snapshots for the
   * viewers (Stately has no other way to say an actor ended); forgotten here.
   */
  stopAll(sessionIds: Iterable<string>): string[] {
    const out: string[] = [];
    for (const id of sessionIds) {
      const entry = this.actors.get(id);
      this.actors.delete(id);
      const last = entry?.snapshot ?? entry?.actor;
      if (!last) continue;
      const msg = JSON.parse(last) as Record<string, unknown> & { snapshot?: Record<string, unknown> };
      out.push(
        JSON.stringify({
          ...msg,
          type: "@xstate.snapshot",
          snapshot: { ...msg.snapshot, status: "stopped" },
          event: { type: "xstate.stop" },
          createdAt: Date.now().toString(),
        }),
      );
    }
    return out;
  }

  /** The messages a new viewer gets first: registration, then latest snapshot, per live actor. */
  messages(): string[] {
    return [...this.actors.values()].flatMap((a) => (a.actor ? [a.actor, ...(a.snapshot ? [a.snapshot] : [])] : []));
  }

  get size(): number {
    return this.actors.size;
  }
}
