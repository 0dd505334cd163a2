import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";

/**
 * Hosts as Linux network namespaces: each host `<prefix>-hN` has one veth `eth0`
 * with its own address, plugged into a bridge that lives in a namespace of its own
 * (`<prefix>-br`). Nothing is made in the root namespace, so no traffic leaves the
 * namespaces made here and nothing of the machine's own network changes.
 */
export const SUBNET = "10.90.0";
const BRIDGE = "br0";

/** The address of host `i` (1-based): 10.90.0.(10+i). */
export const hostAddress = (i: number): string => `${SUBNET}.${10 + i}`;

/** The names of one run: every namespace it makes starts with `prefix-`. */
export interface Netns {
  readonly prefix: string;
  readonly bridgeNs: string;
  /** The namespace of host `name` (h1, h2…). */
  ns(name: string): string;
  /** The bridge's port of host `name` (in bridgeNs): taking it down unplugs the host's cable. */
  port(name: string): string;
}

export function netnsNames(prefix: string): Netns {
  return {
    prefix,
    bridgeNs: `${prefix}-br`,
    ns: (name) => `${prefix}-${name}`,
    port: (name) => `v${name}`,
  };
}

export function ip(...args: string[]): string {
  return run("ip", args);
}

export function run(cmd: string, args: string[], input?: string): string {
  try {
    return execFileSync(cmd, args, { encoding: "utf8", stdio: ["pipe", "pipe", "pipe"], ...(input ? { input } : {}) });
  } catch (e) {
    const err = e as { stderr?: string; message: string };
    throw new Error(`${cmd} ${args.join(" ")} failed: ${(err.stderr ?? err.message).trim()}`);
  }
}

/** The bridge namespace and its bridge, up. */
export function makeBridge(n: Netns): void {
  ip("netns", "add", n.bridgeNs);
  ip("-n", n.bridgeNs, "link", "set", "lo", "up");
  ip("-n", n.bridgeNs, "link", "add", BRIDGE, "type", "bridge");
  ip("-n", n.bridgeNs, "link", "set", BRIDGE, "up");
}

/** Host `name` (its namespace, lo up, eth0 at `address`/24 plugged into the bridge). */
export function makeHost(n: Netns, name: string, address: string): void {
  const ns = n.ns(name);
  ip("netns", "add", ns);
  ip("-n", ns, "link", "set", "lo", "up");
  // Made inside the host's namespace, its peer moved straight into the bridge's: never in the root namespace.
  ip("-n", ns, "link", "add", "eth0", "type", "veth", "peer", "name", n.port(name), "netns", n.bridgeNs);
  ip("-n", ns, "addr", "add", `${address}/24`, "dev", "eth0");
  ip("-n", ns, "link", "set", "eth0", "up");
  ip("-n", n.bridgeNs, "link", "set", n.port(name), "master", BRIDGE);
  ip("-n", n.bridgeNs, "link", "set", n.port(name), "up");
}

/** Namespaces whose name starts with `prefix-`. */
export function namespacesOf(prefix: string): string[] {
  return listNamespaces().filter((ns) => ns.startsWith(`${prefix}-`));
}

function listNamespaces(): string[] {
  const out = ip("netns", "list");
  return out
    .split("\n")
    .map((l) => l.split(" ")[0] ?? "")
    .filter((s) => s !== "");
}

/** SIGKILLs every process left in `ns`, then deletes it (synchronous: it runs at process exit too). */
export function removeNamespace(ns: string): void {
  try {
    for (const pid of ip("netns", "pids", ns).split("\n").filter(Boolean)) {
      try {
        process.kill(Number(pid), "SIGKILL");
      } catch {
        // gone already
      }
    }
  } catch {
    // no such namespace any more
  }
  try {
    ip("netns", "del", ns);
  } catch {
    // deleted meanwhile
  }
}

/**
 * The runs' prefix: `sbh<pid>x<n>`. A namespace of this form whose pid is no longer a
 * live process is a leftover of a run that was SIGKILLed (no exit handler ran).
 */
export const PREFIX_RE = /^sbh(\d+)x(\d+)-/;

/** Removes the namespaces, and the dirs in `tmp` (`swarmbus-<prefix>-…`), of runs whose process is dead. */
export function sweepDeadRuns(tmp: string): string[] {
  const swept: string[] = [];
  for (const ns of listNamespaces()) {
    const m = PREFIX_RE.exec(ns);
    if (!m || isAlive(Number(m[1]))) continue;
    removeNamespace(ns);
    swept.push(ns);
  }
  for (const name of readdirSync(tmp)) {
    const m = PREFIX_RE.exec(name.replace(/^swarmbus-/, ""));
    if (!name.startsWith("swarmbus-") || !m || isAlive(Number(m[1]))) continue;
    rmSync(join(tmp, name), { recursive: true, force: true });
    swept.push(join(tmp, name));
  }
  return swept;
}

function isAlive(pid: number): boolean {
  if (!existsSync(`/proc/${pid}`)) return false;
  try {
    // A zombie has not cleaned up after itself, and never will.
    return !readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.startsWith("Z");
  } catch {
    return false;
  }
}
