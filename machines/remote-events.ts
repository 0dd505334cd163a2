import type { EventObject } from "xstate";
import type { z } from "zod";

/**
 * The events a sender on the bus (`<p>.actor.<node>.<actor>`) may send to an
 * actor of one machine, each with the zod schema the whole event must pass
 * (a strict object, `type` included, bounded strings and numbers). An event
 * the machine knows but does not declare here is the daemon's own — lifecycle
 * facts its shells observe — and the bus answers it PermissionDenied: a fact
 * like "the node left" or "a heartbeat came" is true only when the shell saw
 * it, and a guard of the daemon API (leave without --force) must not be
 * bypassed through an actor subject.
 */
export type RemoteEvents = Readonly<Record<string, z.ZodType<EventObject>>>;

/** No event from the bus: every event of the machine comes from its own daemon. */
export const NO_REMOTE_EVENTS: RemoteEvents = Object.freeze({});
