import { rpcError } from "../../rpc/status.ts";
import { assertToken, DEFAULT_PREFIX, subjectsFor } from "../subjects.ts";
import type { SubjectPermissions } from "./user.ts";

/**
 * Who connects to the bus, and so what nats-server lets them publish and
 * subscribe to (the server enforces it from the user JWT):
 *
 * - `daemon`: one daemon by name, joined or not, worker or manager. Its own
 *   daemon API, its actors, its events, discovery, its replies. This is all a
 *   worker ever has: a worker's work reaches it over gRPC, not the bus.
 * - `manager`: a manager's own connection (beside its daemon's), issued by the
 *   swarm's CA with its manager certificate and naming its node ID: Raft and
 *   the control API of its cluster, sending only as itself.
 * - `admin`: the local operator (the CLI, the dashboard, `swarmbus up`): every
 *   daemon's API, actors and events, never Raft or the control API.
 */
export type BusIdentity =
  | { role: "daemon"; name: string }
  | { role: "manager"; nodeId: string; clusterId: string }
  | { role: "admin" };

/** The inbox prefix of a connection: a requester's replies come here, and only it may listen. */
export function inboxPrefixOf(identity: BusIdentity): string {
  switch (identity.role) {
    case "daemon":
      return `_INBOX_${assertToken(identity.name, "daemon name")}`;
    case "manager":
      return `_INBOX_${assertToken(identity.nodeId, "node ID")}`;
    case "admin":
      return "_INBOX";
  }
  throw unknownRole(identity);
}

/**
 * A responder may publish to the reply subject of a request it took: up to
 * this many messages (a chunked reply of MAX_REPLY_BYTES is ~70), for NATS's
 * default two minutes.
 */
const RESPONSES = { max: 1_000, ttl: 0 };

export function busPermissions(identity: BusIdentity, prefix: string = DEFAULT_PREFIX): SubjectPermissions {
  const s = subjectsFor(prefix);
  const inbox = `${inboxPrefixOf(identity)}.>`;
  switch (identity.role) {
    case "daemon": {
      const name = assertToken(identity.name, "daemon name");
      return {
        pub: { allow: [`${prefix}.events.${name}.*`] },
        sub: { allow: [s.daemonAll(name), `${prefix}.actor.${name}.*`, s.daemonsDiscover(), inbox] },
        resp: RESPONSES,
      };
    }
    case "manager": {
      const nodeId = assertToken(identity.nodeId, "node ID");
      const cluster = `${prefix}.cluster.${assertToken(identity.clusterId, "cluster ID")}`;
      const control = `${cluster}.control.*.${nodeId}`;
      return {
        pub: { allow: [`${cluster}.raft.*.${nodeId}`, control, `${control}.*`] },
        sub: {
          allow: [
            `${cluster}.raft.*.*`,
            // Every manager takes calls in the queue group; a plain subscription there would read them all.
            `${cluster}.control.*.* ${CONTROL_QUEUE}`,
            // A forward is addressed to one member by Raft ID (not known when the credential is issued).
            `${cluster}.control.*.*.*`,
            inbox,
          ],
        },
        resp: RESPONSES,
      };
    }
    case "admin":
      return {
        pub: { allow: [`${prefix}.daemon.>`, `${prefix}.actor.>`, s.daemonsDiscover()] },
        sub: { allow: [`${prefix}.events.>`, inbox] },
      };
  }
  // A JWT issued without permissions may use every subject: an identity of no known role must not get one.
  throw unknownRole(identity);
}

function unknownRole(identity: never): Error {
  return rpcError("Internal", `unknown bus identity role ${JSON.stringify((identity as { role?: unknown }).role)}`);
}

/** The control API's queue group (control-bus/subjects.ts names it too; the bus layer cannot import it). */
export const CONTROL_QUEUE = "managers";
