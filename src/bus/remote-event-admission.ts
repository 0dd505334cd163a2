import type { AnyActorRef, EventObject } from "xstate";
import { z } from "zod";
import { type MachineName, NO_REMOTE_EVENTS, type RemoteEvents, remoteEvents } from "../../machines/index.ts";
import { rpcError } from "../rpc/status.ts";
import { describeIssues } from "./envelope.ts";
import { type PayloadLimits, parseBoundedJson } from "./payload-guard.ts";

/**
 * An actor event is a small flat object: 64 KiB (far below nats-server's
 * 1 MB max_payload) and 16 levels leave room for any event a machine declares.
 */
export const ACTOR_EVENT_LIMITS: PayloadLimits = { maxBytes: 64 * 1024, maxDepth: 16 };

const Typed = z.looseObject({ type: z.string().min(1).max(200) });

/** Who an event is for: the actor's bus name, the types its machine knows (undefined: any), what it takes from the bus. */
export interface AdmissionRules {
  readonly actorName: string;
  readonly known: ReadonlySet<string> | undefined;
  readonly remote: RemoteEvents;
}

/**
 * What the machine `actor` runs declares it takes from the bus (machines/index.ts,
 * found by machine id, which `.provide()` keeps); nothing for any other logic.
 */
export function declaredRemoteEvents(actor: AnyActorRef): RemoteEvents {
  const id = (actor as { logic?: { id?: unknown } }).logic?.id;
  return typeof id === "string" && Object.hasOwn(remoteEvents, id) ? remoteEvents[id as MachineName] : NO_REMOTE_EVENTS;
}

const listed = (types: Iterable<string>) => [...types].sort().join(", ") || "none";

/**
 * The event in `bytes`, as the sender's machine-declared schema parsed it, if a
 * sender on the bus may send it; otherwise the RpcError to answer:
 * ResourceExhausted / InvalidArgument for an oversized, too deeply nested or
 * unparseable body; InvalidArgument for an event type the machine does not know
 * (or an `xstate.*` one); PermissionDenied for a known event only the daemon
 * itself sends; InvalidArgument naming the field a declared event's schema refused.
 */
export function admitRemoteEvent(bytes: Uint8Array, rules: AdmissionRules): EventObject {
  const { actorName, known, remote } = rules;
  const typed = Typed.safeParse(parseBoundedJson(bytes, ACTOR_EVENT_LIMITS, `an event for actor ${actorName}`));
  if (!typed.success) {
    throw rpcError("InvalidArgument", `invalid event for actor ${actorName}: ${describeIssues(typed.error)}`);
  }
  const type = typed.data.type;
  if (type.startsWith("xstate.") || (known && !known.has(type))) {
    const accepts = known ? `; it accepts ${listed(known)}` : "";
    throw rpcError("InvalidArgument", `actor ${actorName} does not accept events of type ${type}${accepts}`);
  }
  const schema = Object.hasOwn(remote, type) ? remote[type] : undefined;
  if (!schema) {
    throw rpcError(
      "PermissionDenied",
      `actor ${actorName} does not take ${type} from the bus: only its daemon sends it (from the bus it takes ${listed(Object.keys(remote))})`,
    );
  }
  const event = schema.safeParse(typed.data);
  if (!event.success) {
    throw rpcError("InvalidArgument", `invalid ${type} event for actor ${actorName}: ${describeIssues(event.error)}`);
  }
  return event.data;
}
