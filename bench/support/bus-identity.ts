import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { NatsConnection } from "@nats-io/transport-node";
import { type BusIdentity, busPermissions, inboxPrefixOf } from "../../src/bus/auth/permissions.ts";
import { loadAccountSigner } from "../../src/bus/auth/trust-root.ts";
import { issueUserCreds } from "../../src/bus/auth/user.ts";
import { connectBus } from "../../src/bus/connection.ts";
import type { NatsServerHandle } from "../../src/bus/nats-server.ts";
import { busPrefix } from "../../src/bus/subjects.ts";

let issued = 0;

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
  const dir = join(nats.trustDir, "bench-users");
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const creds = join(dir, `${name.replace(/[^\w-]/g, "_")}-${++issued}.creds`);
  const perms = as === "unrestricted" ? {} : busPermissions(as, busPrefix());
  writeFileSync(creds, await issueUserCreds(name, loadAccountSigner(nats.trustDir), perms), { mode: 0o600 });
  return connectBus({ url: nats.url, creds, ca: nats.ca }, name, {
    ...(as === "unrestricted" ? {} : { inboxPrefix: inboxPrefixOf(as) }),
  });
}
