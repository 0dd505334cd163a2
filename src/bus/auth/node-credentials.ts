import { chmodSync, mkdirSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { assertToken, busPrefix } from "../subjects.ts";
import { type BusIdentity, busPermissions } from "./permissions.ts";
import { loadAccountSigner } from "./trust-root.ts";
import { issueUserCreds } from "./user.ts";

/** Where a trust root keeps the daemons' credentials: `daemons/<name>.creds`. */
export function daemonCredsPath(trustDir: string, name: string): string {
  return join(trustDir, "daemons", `${assertToken(name, "daemon name")}.creds`);
}

/**
 * The credentials the daemon `name` connects with, issued from the trust root
 * in `trustDir` (the local admin's authority, as a local socket is the admin's
 * way to dockerd): its own daemon API, actors, events and replies, and nothing
 * of any other node or of the cluster. A manager's Raft and control traffic
 * goes on a second connection, with credentials the swarm's CA issues.
 * Written anew each time (0600), so they follow the prefix in effect.
 */
export async function issueDaemonCreds(trustDir: string, name: string, prefix = busPrefix()): Promise<string> {
  const path = daemonCredsPath(trustDir, name);
  const text = await issueUserCreds(
    `daemon-${name}`,
    loadAccountSigner(trustDir),
    busPermissions({ role: "daemon", name }, prefix),
  );
  const dir = join(trustDir, "daemons");
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, text, { mode: 0o600 });
  renameSync(tmp, path);
  return path;
}

let issued = 0;

/**
 * A `.creds` file for `as` issued from the trust root in `trustDir`, in its
 * `folder` (beside the bus CA, so a connection with it finds the CA).
 * `"unrestricted"`: every subject of the swarm account, still authenticated —
 * the bus before per-identity permissions, for tests of bus mechanisms and
 * benchmarks' "before" sides only.
 */
export async function issueIdentityCreds(
  trustDir: string,
  folder: string,
  name: string,
  as: BusIdentity | "unrestricted",
): Promise<string> {
  const dir = join(trustDir, assertToken(folder, "folder"));
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const path = join(dir, `${name.replace(/[^\w-]/g, "_")}-${process.pid}-${++issued}.creds`);
  const perms = as === "unrestricted" ? {} : busPermissions(as, busPrefix());
  writeFileSync(path, await issueUserCreds(name, loadAccountSigner(trustDir), perms), { mode: 0o600 });
  return path;
}
