import type { NatsConnection } from "@nats-io/transport-node";
import type { AnyActorRef, InspectionEvent, StateValue } from "xstate";
import { z } from "zod";
import { defaultLog, type Log } from "../log.ts";
import { describeIssues } from "./envelope.ts";
import { type EventFilter, subjects } from "./subjects.ts";

/**
 * One transition of one actor, as published on `<p>.events.<node>.<actor>`.
 * `state` is the state value as text (`running.manager.on`; parallel regions
 * as `running.{agent.up,manager.on}`), `value` the raw XState state value,
 * `from` the previous state (null for the first message of an actor),
 * `event` the type of the event that caused it (`xstate.init` for the first).
 */
export const ActorTransition = z.object({
  node: z.string().min(1),
  actor: z.string().min(1),
  state: z.string(),
  from: z.string().nullable(),
  event: z.string(),
  time: z.iso.datetime(),
  value: z.unknown().optional(),
  status: z.enum(["active", "done", "error", "stopped"]).optional(),
  /**
   * Sent again, unchanged otherwise, after the publisher's NATS connection came
   * back: what it published while cut off may be lost, and a watcher that keeps
   * each actor's latest state needs it to converge.
   */
  replayed: z.literal(true).optional(),
  /** The actor's context fields that are plain values (session ID, backoff, …), as of this transition. */
  context: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])).optional(),
});
export type ActorTransition = z.infer<typeof ActorTransition>;

/** A state value as one readable string: `a.b.c`; parallel regions sorted, in braces: `a.{x.on,y.off}`. */
export function stateString(value: StateValue | unknown): string {
  if (typeof value === "string") return value;
  if (value === null || typeof value !== "object") return String(value);
  const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
  if (entries.length === 0) return "";
  const parts = entries.map(([k, v]) => {
    const inner = stateString(v);
    return inner === "" ? k : `${k}.${inner}`;
  });
  return parts.length === 1 ? parts[0]! : `{${parts.sort().join(",")}}`;
}

interface SnapshotLike {
  value?: unknown;
  status?: string;
  context?: unknown;
}

type Plain = string | number | boolean | null;

/** The scalar fields of a context: small, readable, and what a person watching the stream asks for. */
function plainFacts(context: unknown): Record<string, Plain> | undefined {
  if (context === null || typeof context !== "object") return undefined;
  const out: Record<string, Plain> = {};
  for (const [k, v] of Object.entries(context)) {
    if (
      v === null ||
      typeof v === "string" ||
      typeof v === "boolean" ||
      (typeof v === "number" && Number.isFinite(v))
    ) {
      out[k] = v;
    }
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

/**
 * Publishes every state change of `actor` (and its current state once, now)
 * on `events(nodeName, actorName)`. Transitions that leave the state value
 * unchanged (context-only updates) are not published. Returns the function
 * that stops publishing. Publishing never throws into the actor: a closed
 * connection is logged and ignored.
 */
export function publishTransitions(
  nc: NatsConnection,
  nodeName: string,
  actorName: string,
  actor: AnyActorRef,
  opts: { log?: Log; now?: () => Date; onPublish?: (t: ActorTransition) => void } = {},
): () => void {
  const log = opts.log ?? defaultLog();
  const now = opts.now ?? (() => new Date());
  const subject = subjects().events(nodeName, actorName);
  let last: string | null = null;
  let warned = false;

  const publish = (snapshot: SnapshotLike, eventType: string): void => {
    const state = stateString(snapshot.value);
    if (state === last) return;
    const payload: ActorTransition = {
      node: nodeName,
      actor: actorName,
      state,
      from: last,
      event: eventType,
      time: now().toISOString(),
      value: snapshot.value,
      ...(isStatus(snapshot.status) ? { status: snapshot.status } : {}),
    };
    const facts = plainFacts(snapshot.context);
    if (facts) payload.context = facts;
    last = state;
    opts.onPublish?.(payload);
    try {
      nc.publish(subject, JSON.stringify(payload));
    } catch (e) {
      if (!warned) log.warn({ node: nodeName, actor: actorName, err: String(e) }, "cannot publish actor transitions");
      warned = true;
    }
  };

  publish(actor.getSnapshot() as SnapshotLike, "xstate.init");
  const sub = actor.system.inspect((ev: InspectionEvent) => {
    if (ev.type !== "@xstate.snapshot" || ev.actorRef !== actor) return;
    publish(ev.snapshot as SnapshotLike, ev.event.type);
  });
  return () => sub.unsubscribe();
}

/**
 * After each reconnect of `nc`, publishes again the latest transition of every
 * live actor (`latest()`), marked `replayed`. Core NATS is at-most-once: what a
 * daemon published while its connection was down or half-open can be lost, and
 * without this a watcher could show a leader that stepped down long ago.
 * Returns the function that stops it.
 */
export function republishOnReconnect(
  nc: NatsConnection,
  latest: () => Iterable<ActorTransition>,
  log: Log = defaultLog(),
): () => void {
  let stopped = false;
  void (async () => {
    for await (const s of nc.status()) {
      if (stopped) return;
      if (s.type !== "reconnect") continue;
      for (const t of latest()) {
        try {
          nc.publish(subjects().events(t.node, t.actor), JSON.stringify({ ...t, replayed: true }));
        } catch (e) {
          log.warn({ node: t.node, actor: t.actor, err: String(e) }, "cannot republish an actor's latest transition");
        }
      }
    }
  })();
  return () => {
    stopped = true;
  };
}

const isStatus = (s: unknown): s is NonNullable<ActorTransition["status"]> =>
  s === "active" || s === "done" || s === "error" || s === "stopped";

export interface EventsSubscription {
  stop(): Promise<void>;
}

/**
 * Subscribes to actor transitions: all of them, one node's, one actor's on
 * every node, or one actor. Each message is validated; an invalid one goes to
 * `onInvalid` (never thrown). Resolves once the server has the subscription,
 * so nothing published after it is missed.
 */
export async function subscribeEvents(
  nc: NatsConnection,
  filter: EventFilter,
  onEvent: (e: ActorTransition) => void,
  onInvalid: (reason: string, subject: string, raw: string) => void = () => {},
): Promise<EventsSubscription> {
  const sub = nc.subscribe(subjects().eventsWildcard(filter), {
    callback: (err, msg) => {
      if (err) return onInvalid(`subscription error: ${err.message}`, "", "");
      const raw = msg.string();
      let json: unknown;
      try {
        json = JSON.parse(raw);
      } catch (e) {
        return onInvalid(`not JSON: ${e instanceof Error ? e.message : String(e)}`, msg.subject, raw);
      }
      const parsed = ActorTransition.safeParse(json);
      if (!parsed.success) return onInvalid(describeIssues(parsed.error), msg.subject, raw);
      try {
        onEvent(parsed.data);
      } catch (e) {
        onInvalid(`event handler threw: ${e instanceof Error ? e.message : String(e)}`, msg.subject, raw);
      }
    },
  });
  await nc.flush();
  return {
    async stop() {
      if (sub.isClosed()) return;
      try {
        await sub.drain();
      } catch {
        sub.unsubscribe();
      }
    },
  };
}
