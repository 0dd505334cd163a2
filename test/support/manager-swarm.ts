import { freePort } from "../../src/net/free-port.ts";
import type { Suite } from "./fixture.ts";
import { type LsRow, oneLeaderAnd, parseNodeLs } from "./node-ls.ts";
import { type SwarmOptions, type TestSwarm, useSwarm } from "./swarm.ts";
import { waitFor } from "./wait-for.ts";

const JOIN_GOES_ON = /^Error response from daemon: Timeout was reached before node joined\. /;

/**
 * A swarm of manager daemons for the suite: before the tests, the first of `managers` inits, the
 * others join as managers, and `node ls` on the first shows one Leader and the others Reachable.
 *
 *   const ms = useManagerSwarm(test, ["m1", "m2", "m3"]);
 */
export function useManagerSwarm(
  suite: Suite,
  managers: readonly [string, ...string[]],
  opts: SwarmOptions = {},
): ManagerSwarm {
  const ms = new ManagerSwarm(useSwarm(suite, opts));
  const [first, ...others] = managers;
  suite.before(async () => {
    await ms.form(first, others);
    await ms.lsUntil(first, (r) => oneLeaderAnd(r, others.length), `one Leader, ${others.length} Reachable`);
  });
  return ms;
}

/**
 * Manager daemons of a TestSwarm on fixed free ports, for the multi-manager
 * tests: the first inits, the others join with the manager token; any of them
 * can be stopped, killed and started again on its port.
 */
export class ManagerSwarm {
  readonly ports = new Map<string, number>();
  managerToken = "";
  constructor(readonly swarm: TestSwarm) {}

  addr(name: string): string {
    return `127.0.0.1:${this.port(name)}`;
  }

  port(name: string): number {
    const p = this.ports.get(name);
    if (p === undefined) throw new Error(`no port for ${name}`);
    return p;
  }

  /** Daemons started here whose process has not exited. */
  private readonly live = new Set<string>();

  /** Starts (or restarts) the daemon of `name` on its port; a daemon already running is kept. */
  async start(name: string): Promise<void> {
    if (this.live.has(name)) return;
    if (!this.ports.has(name)) this.ports.set(name, await freePort());
    const d = await this.swarm.daemon(name, { listenPort: this.port(name) });
    this.live.add(name);
    void d.exited.then(() => {
      if (this.swarm.daemons.get(name) === d) this.live.delete(name);
    });
  }

  /** SIGTERM (the state dir kept), and wait until the process is gone. */
  async stop(name: string): Promise<void> {
    await this.swarm.daemons.get(name)?.stop(5_000);
    this.live.delete(name);
  }

  /** `first` inits; each of `others` starts and joins as a manager through `first`. */
  async form(first: string, others: readonly string[]): Promise<void> {
    await this.start(first);
    const init = await this.swarm.cli(first, "swarm", "init", "--listen-addr", this.addr(first));
    if (init.code !== 0) throw new Error(`swarm init on ${first} failed: ${init.stderr}`);
    this.managerToken = (await this.swarm.cli(first, "swarm", "join-token", "-q", "manager")).stdout.trim();
    for (const m of others) await this.join(m, first);
  }

  /** Starts `name` and joins it as a manager through `via`; fails unless it joins as one. */
  async join(name: string, via: string): Promise<void> {
    await this.joinAs(name, via, "manager", this.managerToken);
  }

  /** Starts `name` and joins it as a worker through `via`; fails unless it joins as one. */
  async joinWorker(name: string, via: string): Promise<void> {
    const token = (await this.swarm.cli(via, "swarm", "join-token", "-q", "worker")).stdout.trim();
    await this.joinAs(name, via, "worker", token);
  }

  /**
   * The CLI must say the node joined, or (a join slower than the profile's join timeout on a loaded
   * machine) print Swarm's Timeout text, after which the join goes on in the background, as Docker's
   * does: then the node must become active in that role, as a user would check with `info`.
   */
  private async joinAs(name: string, via: string, role: "manager" | "worker", token: string): Promise<void> {
    await this.start(name);
    const j = await this.swarm.cli(
      name,
      ...["swarm", "join", "--token", token, this.addr(via), "--listen-addr", this.addr(name)],
    );
    if (j.stdout === `This node joined a swarm as a ${role}.\n` && j.stderr === "") return;
    if (!JOIN_GOES_ON.test(j.stderr)) throw new Error(`${name} join failed (${j.code}): ${j.stdout}${j.stderr}`);
    await waitFor(
      async () => {
        const info = await this.swarm.json<{ LocalNodeState: string; ControlAvailable: boolean }>(
          name,
          "info",
          "--format",
          "json",
        );
        return info.LocalNodeState === "active" && info.ControlAvailable === (role === "manager");
      },
      { timeoutMs: 30_000, what: `${name} active as a ${role} after a join that went on in the background` },
    );
  }

  /** SIGKILL, and wait until the process is gone. */
  async kill(name: string): Promise<void> {
    const d = this.swarm.daemons.get(name);
    if (!d) throw new Error(`no daemon ${name}`);
    d.kill("SIGKILL");
    await d.exited;
    this.live.delete(name);
  }

  async ls(node: string): Promise<LsRow[] | undefined> {
    const r = await this.swarm.cli(node, "node", "ls");
    return r.code === 0 ? parseNodeLs(r.stdout) : undefined;
  }

  /** Waits until `node ls` on `node` satisfies `pred`; returns the rows. */
  async lsUntil(node: string, pred: (rows: LsRow[]) => boolean, what: string, timeoutMs = 20_000): Promise<LsRow[]> {
    // What was last seen goes into the failure: "timed out" alone says nothing of why.
    let last = "no answer yet";
    try {
      return await waitFor(
        async () => {
          const r = await this.swarm.cli(node, "node", "ls");
          if (r.code !== 0) {
            last = `exit ${r.code}: ${r.stderr.trim()}`;
            return undefined;
          }
          const rows = parseNodeLs(r.stdout);
          last = rows.map((row) => `${row.hostname} ${row.status} ${row.manager || "-"}`).join("; ");
          return pred(rows) ? rows : undefined;
        },
        { timeoutMs, what: `${what} (node ls on ${node})`, intervalMs: 150 },
      );
    } catch (e) {
      throw new Error(`${e instanceof Error ? e.message : String(e)}; last seen: ${last}\n${this.swarm.logTails()}`);
    }
  }
}
