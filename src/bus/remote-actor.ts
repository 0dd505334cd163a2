import type { Msg, NatsConnection } from "@nats-io/transport-node";
import type { AnyActorRef, EventObject } from "xstate";
import type { RemoteEvents } from "../../machines/index.ts";
import { defaultLog, type Log } from "../log.ts";
import { rpcError } from "../rpc/status.ts";
import { serverUrl } from "./connection.ts";
import { errorReply, okReply, type Reply, requestReply, sendReply } from "./envelope.ts";
import { stateString } from "./events.ts";
import { admitRemoteEvent, declaredRemoteEvents } from "./remote-event-admission.ts";
import { subjects } from "./subjects.ts";

/** What a remote actor answers to an accepted event: its state after the event. */
export interface ActorDelivery {
  state: string;
  /** Whether the event changed the state value. */
  changed: boolean;
}

/**
 * The event types an actor accepts from outside, or undefined when any type
 * goes (non-machine logic, or a machine with a `*` transition). Internal
 * `xstate.*` events are never accepted from the bus.
 */
export function acceptedEvents(actor: AnyActorRef): ReadonlySet<string> | undefined {
  const logic = (actor as { logic?: { events?: unknown } }).logic;
  const events = logic?.events;
  if (!Array.isArray(events)) return undefined;
  const types = events.filter((t): t is string => typeof t === "string");
  if (types.includes("*")) return undefined;
  return new Set(types.filter((t) => !t.startsWith("xstate.")));
}

export interface RemoteActorServer {
  stop(): Promise<void>;
}

/**
 * Makes `actor` reachable at `<p>.actor.<node>.<actor>`: a message there is
 * JSON `{ type, ... }` and is sent to the actor only if `remoteEvents` (by
 * default what its machine declares in machines/) lists that type and its schema
 * passes (admitRemoteEvent: bounded size and depth, PermissionDenied for the
 * daemon's own events). The answer (when the sender asked for one) is
 * `{ ok: true, result: ActorDelivery }` or that error, FailedPrecondition
 * when the actor is no longer running. Rejected messages are logged; nothing
 * sent here takes the subscription down.
 */
export function serveActor(
  nc: NatsConnection,
  nodeName: string,
  actorName: string,
  actor: AnyActorRef,
  opts: { log?: Log; remoteEvents?: RemoteEvents } = {},
): RemoteActorServer {
  const log = opts.log ?? defaultLog();
  const rules = { actorName, known: acceptedEvents(actor), remote: opts.remoteEvents ?? declaredRemoteEvents(actor) };

  const deliver = (bytes: Uint8Array): ActorDelivery => {
    const event = admitRemoteEvent(bytes, rules);
    const before = actor.getSnapshot() as { status?: string; value?: unknown };
    if (before.status !== "active") {
      throw rpcError("FailedPrecondition", `actor ${actorName} is not running (status ${before.status ?? "unknown"})`);
    }
    actor.send(event);
    const after = actor.getSnapshot() as { value?: unknown };
    const state = stateString(after.value);
    return { state, changed: state !== stateString(before.value) };
  };

  const answer = (msg: Msg): void => {
    let reply: Reply<ActorDelivery>;
    try {
      reply = okReply(deliver(msg.data));
    } catch (e) {
      reply = errorReply(e);
      if (!reply.ok) {
        log.warn(
          { node: nodeName, actor: actorName, code: reply.error.code, err: reply.error.message },
          "rejected an event sent over the bus",
        );
      }
    }
    sendReply(nc, msg, reply, { log, context: { node: nodeName, actor: actorName } });
  };

  const sub = nc.subscribe(subjects().actor(nodeName, actorName), {
    callback: (err, msg) => {
      if (err) {
        log.error({ node: nodeName, actor: actorName, err: err.message }, "remote actor subscription error");
        return;
      }
      answer(msg);
    },
  });

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

/**
 * Sends `event` to a remote actor and waits for its answer: the actor's state
 * after it, or an RpcError (InvalidArgument for an event it does not know or a
 * field its schema refuses, PermissionDenied for an event only its daemon
 * sends, Unavailable when nothing serves that actor).
 */
export async function sendToActor<E extends EventObject>(
  nc: NatsConnection,
  nodeName: string,
  actorName: string,
  event: E,
  opts: { timeoutMs?: number } = {},
): Promise<ActorDelivery> {
  const result = await requestReply(nc, subjects().actor(nodeName, actorName), event, {
    timeoutMs: opts.timeoutMs ?? 5_000,
    what: `actor ${actorName} on node ${nodeName}`,
    noResponders: () =>
      rpcError("Unavailable", `no actor ${actorName} on node ${nodeName} is reachable on ${serverUrl(nc)}`),
  });
  return result as ActorDelivery;
}
