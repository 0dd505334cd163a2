import {
  createWebSocketInspector,
  type StatelyActorEvent,
  type StatelyEventEvent,
  type StatelyInspectionEvent,
  type StatelySnapshotEvent,
} from "@statelyai/inspect";
import type { AnyActorRef, InspectionEvent, Observer } from "xstate";

export interface ActorInspection {
  /** Streams this actor (and the actors it invokes) to the relay, named `<node>/<name>`. */
  attach(name: string, actor: AnyActorRef): void;
  stop(): void;
}

const FINISHED = new Set(["done", "error", "stopped"]);
/** The XState inspection events Stately's inspector shows; the others (microsteps, actions) are not sent. */
const SHOWN = new Set<InspectionEvent["type"]>(["@xstate.actor", "@xstate.snapshot", "@xstate.event"]);

/**
 * A daemon's actors as Stately's inspector sees them, through
 * @statelyai/inspect's createWebSocketInspector. The daemon learns of an
 * actor (onActor) after XState announced its creation, so attaching replays
 * that announcement (with the actor's current snapshot) before following its
 * system. XState numbers sessions per process (x:0, x:1 …): every daemon
 * would reuse them, so ids go out prefixed with the node's name and pid (`m1/4242/x:0`), and actors
 * are named `m1/raft`, invoked ones `m1/session/heartbeat`.
 */
export function inspectActors(url: string, node: string): ActorInspection {
  // The pid keeps a restarted daemon's sessions apart from those of its previous run.
  const prefix = `${node}/${process.pid}/`;
  /** Raw sessionId → the name the inspector shows; forgotten when the actor finishes. */
  const names = new Map<string, string>();
  const attached = new WeakSet<AnyActorRef>();
  const own = (id: string): string => (id.startsWith(prefix) ? id : `${prefix}${id}`);
  const ownOpt = (id: string | undefined): string | undefined => (id === undefined ? id : own(id));
  const rename = (e: StatelyInspectionEvent): StatelyInspectionEvent => {
    // Deferred events pass through here twice (the adapter serializes them again on connect): keep it idempotent.
    const raw = e.sessionId.startsWith(prefix) ? undefined : e.sessionId;
    switch (e.type) {
      case "@xstate.actor":
        return {
          ...e,
          sessionId: own(e.sessionId),
          rootId: ownOpt(e.rootId),
          parentId: ownOpt(e.parentId),
          name: (raw && names.get(raw)) ?? e.name,
        } satisfies StatelyActorEvent;
      case "@xstate.event":
        return {
          ...e,
          sessionId: own(e.sessionId),
          rootId: own(e.rootId),
          sourceId: ownOpt(e.sourceId),
        } satisfies StatelyEventEvent;
      case "@xstate.snapshot":
        if (raw && FINISHED.has(e.snapshot.status ?? "")) names.delete(raw);
        return { ...e, sessionId: own(e.sessionId), rootId: own(e.rootId) } satisfies StatelySnapshotEvent;
    }
  };
  const inspector = createWebSocketInspector({ url, serialize: rename });
  const observer: Observer<InspectionEvent> = {
    next: (e) => {
      if (!SHOWN.has(e.type)) return;
      if (e.type === "@xstate.actor" && !names.has(e.actorRef.sessionId)) {
        // XState types it as ActorRefLike; it is the Actor, with its parent and invoked src.
        const ref = e.actorRef as Partial<Pick<AnyActorRef, "_parent" | "src" | "id">>;
        const parentName = ref._parent ? names.get(ref._parent.sessionId) : undefined;
        const self = typeof ref.src === "string" ? ref.src : (ref.id ?? e.actorRef.sessionId);
        names.set(e.actorRef.sessionId, `${parentName ?? node}/${self}`);
      }
      inspector.inspect.next?.(e);
    },
  };
  return {
    attach: (name, actor) => {
      if (attached.has(actor)) return;
      attached.add(actor);
      names.set(actor.sessionId, `${node}/${name}`);
      observer.next?.({ type: "@xstate.actor", actorRef: actor, rootId: actor.sessionId });
      actor.system.inspect(observer);
    },
    stop: () => inspector.stop(),
  };
}
