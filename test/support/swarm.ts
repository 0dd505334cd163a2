import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type NatsServerHandle, startNatsServer } from "../../src/bus/nats-server.ts";
import { freePort } from "../../src/net/free-port.ts";
import { runCli } from "../../src/process/cli-process.ts";
import { type DaemonProcess, spawnDaemon } from "../../src/process/daemon-process.ts";
import { waitFor } from "./wait-for.ts";

export { freePort };

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * A real swarm for end-to-end tests: a nats-server on a free port, daemons as
 * child processes with state dirs in a temp dir, and the CLI run as a process,
 * exactly as a user runs it.
 */
export class TestSwarm {
  readonly daemons = new Map<string, DaemonProcess>();
  private constructor(
    readonly nats: NatsServerHandle,
    readonly dir: string,
  ) {}

  static async start(): Promise<TestSwarm> {
    const nats = await startNatsServer();
    return new TestSwarm(nats, mkdtempSync(join(tmpdir(), "swarmbus-e2e-")));
  }

  /** Starts (or restarts, with the same state dir) a daemon and waits until it answers `info`. */
  async daemon(name: string, opts: { listenPort?: number } = {}): Promise<DaemonProcess> {
    const d = spawnDaemon({
      name,
      stateDir: join(this.dir, name),
      natsUrl: this.nats.url,
      ...(opts.listenPort !== undefined ? { listenAddr: `127.0.0.1:${opts.listenPort}` } : {}),
      profile: "fast",
      logFile: join(this.dir, `${name}.log`),
    });
    this.daemons.set(name, d);
    let exited = false;
    void d.exited.then(() => {
      exited = true;
    });
    await waitFor(
      async () => {
        if (exited) throw new Error(`daemon ${name} exited; see ${join(this.dir, `${name}.log`)}`);
        return (await this.cli(name, "info", "--format", "json")).code === 0;
      },
      { timeoutMs: 20_000, what: `daemon ${name} to answer info`, intervalMs: 100 },
    );
    return d;
  }

  /** Runs `swarmbus --node NODE ARGS…` as a process. */
  async cli(node: string | undefined, ...args: string[]): Promise<CliResult> {
    const r = await runCli(this.nats.url, node, args);
    return { ...r, code: typeof r.code === "number" ? r.code : -1 };
  }

  /**
   * Runs an idempotent write (`node update …`) that must succeed, again while it
   * fails only because leadership changed under it — what a Docker user does
   * after "node lost leader status" when a loaded machine delays heartbeats past
   * the election timeout. Any other failure is returned at once.
   */
  async write(node: string, ...args: string[]): Promise<CliResult> {
    const deadline = Date.now() + 20_000;
    for (;;) {
      const r = await this.cli(node, ...args);
      if (r.code === 0 || !LEADER_CHANGE.test(r.stderr) || Date.now() > deadline) return r;
    }
  }

  async json<T>(node: string, ...args: string[]): Promise<T> {
    const r = await this.cli(node, ...args);
    if (r.code !== 0) throw new Error(`swarmbus ${args.join(" ")} failed (${r.code}): ${r.stderr}`);
    return JSON.parse(r.stdout) as T;
  }

  /** Manager m1 on a free-ish port, initialized; returns the worker join token and address. */
  async initManager(name: string, port: number): Promise<{ token: string; addr: string }> {
    await this.daemon(name, { listenPort: port });
    const init = await this.cli(name, "swarm", "init", "--listen-addr", `127.0.0.1:${port}`);
    if (init.code !== 0) throw new Error(`swarm init failed: ${init.stderr}`);
    const token = (await this.cli(name, "swarm", "join-token", "-q", "worker")).stdout.trim();
    return { token, addr: `127.0.0.1:${port}` };
  }

  async stop(): Promise<void> {
    await Promise.all([...this.daemons.values()].map((d) => d.stop(3000)));
    await this.nats.stop();
    if (!process.env.SWARMBUS_KEEP_TEST_DIRS) rmSync(this.dir, { recursive: true, force: true });
  }
}

/** The errors a write gets while the managers elect a new leader (swarmkit-notes §8). */
const LEADER_CHANGE = /node lost leader status|context deadline exceeded|does not have a leader/;

/** One row of `node ls`, cut by the header's column positions. */
export interface LsRow {
  hostname: string;
  status: string;
  availability: string;
  manager: string;
}

export function parseNodeLs(out: string): LsRow[] {
  const [header, ...lines] = out.split("\n").filter((l) => l.trim() !== "");
  if (!header) return [];
  const cols = ["HOSTNAME", "STATUS", "AVAILABILITY", "MANAGER STATUS", "ENGINE VERSION"].map((c) => header.indexOf(c));
  const cut = (l: string, i: number) => l.slice(cols[i], cols[i + 1]).trim();
  return lines.map((l) => ({ hostname: cut(l, 0), status: cut(l, 1), availability: cut(l, 2), manager: cut(l, 3) }));
}

export const lsRow = (rows: readonly LsRow[], host: string): LsRow | undefined => rows.find((r) => r.hostname === host);
export const lsLeaders = (rows: readonly LsRow[]): string[] =>
  rows.filter((r) => r.manager === "Leader").map((r) => r.hostname);

/**
 * A swarm of manager daemons on fixed free ports: the first inits, the others
 * join with the manager token. Add-on helpers for the multi-manager tests.
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

  /** Starts `name` and joins it as a manager through `via`. */
  async join(name: string, via: string): Promise<void> {
    await this.start(name);
    const j = await this.swarm.cli(
      name,
      "swarm",
      "join",
      "--token",
      this.managerToken,
      this.addr(via),
      "--listen-addr",
      this.addr(name),
    );
    if (j.stdout !== "This node joined a swarm as a manager.\n") {
      throw new Error(`${name} join failed (${j.code}): ${j.stdout}${j.stderr}`);
    }
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
  lsUntil(node: string, pred: (rows: LsRow[]) => boolean, what: string, timeoutMs = 20_000): Promise<LsRow[]> {
    return waitFor(
      async () => {
        const rows = await this.ls(node);
        return rows && pred(rows) ? rows : undefined;
      },
      { timeoutMs, what: `${what} (node ls on ${node})`, intervalMs: 150 },
    );
  }
}
