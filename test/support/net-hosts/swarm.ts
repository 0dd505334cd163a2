import { type LsRow, oneLeaderAnd, parseNodeLs } from "../node-ls.ts";
import { waitFor } from "../wait-for.ts";
import type { NetHosts } from "./index.ts";

/**
 * Every host's daemon started; the first host inits the swarm on its address and the others
 * join as managers through it, as on real machines: `swarm join --token T <h1's address>`.
 * Resolves once `node ls` on the first shows one Leader and the others Reachable.
 */
export async function formManagers(hosts: NetHosts): Promise<void> {
  await Promise.all(hosts.names.map((h) => hosts.daemon(h)));
  const [first, ...others] = hosts.names;
  if (!first) throw new Error("no hosts");
  const init = await hosts.cli(first, "swarm", "init", "--listen-addr", hosts.grpcAddr(first));
  if (init.code !== 0) throw new Error(`swarm init on ${first} failed: ${init.stderr}`);
  const token = (await hosts.cli(first, "swarm", "join-token", "-q", "manager")).stdout.trim();
  for (const h of others) {
    const args = ["swarm", "join", "--token", token, hosts.grpcAddr(first), "--listen-addr", hosts.grpcAddr(h)];
    const j = await hosts.cli(h, ...args);
    if (j.stdout !== "This node joined a swarm as a manager.\n") {
      throw new Error(`${h} join failed (${j.code}): ${j.stdout}${j.stderr}`);
    }
  }
  await lsUntil(hosts, first, (r) => oneLeaderAnd(r, others.length), `one Leader, ${others.length} Reachable`);
}

/** `node ls` run on `host` against its own daemon, as rows; undefined when it fails. */
export async function lsOn(hosts: NetHosts, host: string, timeoutMs?: number): Promise<LsRow[] | undefined> {
  const r = await hosts.cliTo(host, host, ["node", "ls"], timeoutMs);
  return r.code === 0 ? parseNodeLs(r.stdout) : undefined;
}

/** Waits until `node ls` on `host` satisfies `pred`; returns the rows. */
export function lsUntil(
  hosts: NetHosts,
  host: string,
  pred: (rows: LsRow[]) => boolean,
  what: string,
  timeoutMs = 20_000,
): Promise<LsRow[]> {
  return waitFor(
    async () => {
      const rows = await lsOn(hosts, host);
      return rows && pred(rows) ? rows : undefined;
    },
    { timeoutMs, what: `${what} (node ls on ${host})`, intervalMs: 200 },
  );
}
