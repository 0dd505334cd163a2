import { readFileSync } from "node:fs";

/**
 * Test-only failpoints (etcd's gofail, in one variable): `SWARMBUS_FAILPOINT` is a comma list of
 * `name` or `name=value`, read once at start. `SWARMBUS_FAILPOINT_FILE` names a file in the same
 * syntax, read again when it changes (at most every 50 ms), whose failpoints are added: a test
 * turns a running swarm into the broken build and back without restarting it (a restart of every
 * manager is slow and is not what such a test is about). Unset, nothing here changes any
 * behaviour. They exist so an end-to-end test can show its checker catches a broken build, or put
 * a process in a condition a real one meets (a slow disk) on one loopback host. Never set them in
 * production.
 *
 * - `stale-follower-reads`: a follower answers getNode (`node inspect`) from its own store instead
 *   of the leader's: the bug the linearizability test must catch. Only getNode: a test waits on
 *   `node ls` (listNodes), and a follower's own view of which managers are reachable is not the
 *   leader's (a restarted peer it no longer sends to stays Unreachable to it).
 * - `slow-disk-ms=N`: every fdatasync'd Raft persist (entries, a term or vote; not a commit-only
 *   hard state, which goes unsynced to the page cache) waits N ms first, as on a slow disk.
 *   Not a bug: Raft stays correct with a slow member; it makes that member lag the others.
 */
export type FailpointName = "stale-follower-reads" | "slow-disk-ms";

const NAMES: readonly FailpointName[] = ["stale-follower-reads", "slow-disk-ms"];

export function parseFailpoints(raw: string | undefined): ReadonlyMap<FailpointName, string> {
  const out = new Map<FailpointName, string>();
  for (const part of (raw ?? "").split(",")) {
    const item = part.trim();
    if (item === "") continue;
    const at = item.indexOf("=");
    const name = at < 0 ? item : item.slice(0, at);
    // A misspelt failpoint would silently test nothing.
    if (!(NAMES as readonly string[]).includes(name)) throw new Error(`SWARMBUS_FAILPOINT: unknown failpoint ${name}`);
    out.set(name as FailpointName, at < 0 ? "" : item.slice(at + 1));
  }
  return out;
}

let fromEnv: ReadonlyMap<FailpointName, string> | undefined;
/** The file's last content read, when, and what it gave (a bad edit keeps the last good one). */
const file = { content: undefined as string | undefined, readAt: -Infinity, set: new Map<FailpointName, string>() };
const FILE_RECHECK_MS = 50;

function failpoints(): ReadonlyMap<FailpointName, string> {
  fromEnv ??= parseFailpoints(process.env.SWARMBUS_FAILPOINT);
  const path = process.env.SWARMBUS_FAILPOINT_FILE;
  if (!path) return fromEnv;
  const now = Date.now();
  if (now - file.readAt >= FILE_RECHECK_MS) {
    file.readAt = now;
    const content = readOrEmpty(path);
    if (content !== file.content) {
      file.content = content;
      try {
        file.set = new Map([...fromEnv, ...parseFailpoints(content)]);
      } catch (e) {
        process.stderr.write(`${path}: ${e instanceof Error ? e.message : String(e)}; keeping the failpoints before\n`);
      }
    }
  }
  return file.set;
}

function readOrEmpty(path: string): string {
  try {
    return readFileSync(path, "utf8").replace(/\s+/g, ",");
  } catch {
    return "";
  }
}

/** Throws on a misspelt failpoint: a daemon checks at start, so a typo stops it instead of testing nothing. */
export function checkFailpoints(): void {
  failpoints();
  const path = process.env.SWARMBUS_FAILPOINT_FILE;
  if (path) parseFailpoints(readOrEmpty(path));
}

export function failpointOn(name: FailpointName): boolean {
  return failpoints().has(name);
}

/** The failpoint's value as a non-negative number, or 0 when it is off or not a number. */
export function failpointNumber(name: FailpointName): number {
  const n = Number(failpoints().get(name) ?? "0");
  return Number.isFinite(n) && n > 0 ? n : 0;
}
