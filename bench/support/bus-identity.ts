import type { NatsConnection } from "@nats-io/transport-node";
import { issueIdentityCreds } from "../../src/bus/auth/node-credentials.ts";
import { type BusIdentity, inboxPrefixOf } from "../../src/bus/auth/permissions.ts";
import { connectBus } from "../../src/bus/connection.ts";
import type { NatsServerHandle } from "../../src/bus/nats-server.ts";

/**
 * A connection to `nats` as what the process it stands for is in a real swarm:
 * a manager (Raft and the control API as its node ID), a daemon, the admin (the
 * CLI's creds, the server handle's own), or `"unrestricted"` (every subject of the
 * swarm account, still authenticated: the bus as it was before it had per-identity
 * permissions, or a spy that reads every inbox). Credentials are issued from the
 * server's trust root, beside it.
 */
export async function connectAs(
  nats: NatsServerHandle,
  name: string,
  as: BusIdentity | "unrestricted",
): Promise<NatsConnection> {
  if (as !== "unrestricted" && as.role === "admin") return connectBus(nats, name);
  const creds = await issueIdentityCreds(nats.trustDir, "bench-users", name, as);
  return connectBus({ url: nats.url, creds, ca: nats.ca }, name, {
    ...(as === "unrestricted" ? {} : { inboxPrefix: inboxPrefixOf(as) }),
  });
}
