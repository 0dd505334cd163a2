import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type ActorTransition, type EventsSubscription, subscribeEvents } from "../../src/bus/events.ts";
import { runCli } from "../../src/process/cli-process.ts";
import { type DaemonProcess, spawnDaemon } from "../../src/process/daemon-process.ts";
import { onTeardown, type Suite } from "./fixture.ts";
import { TestNats } from "./nats-server.ts";
import { type Collector, collector, waitFor } from "./wait-for.ts";

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * A real swarm for end-to-end tests, started for the suite and stopped after it:
 *
 *   const swarm = useSwarm(test);
 *   test("…", async () => { await swarm.daemon("m1"); … });
 */
export function useSwarm(suite: Suite, opts: SwarmOptions = {}): TestSwarm {
  const swarm = new TestSwarm(opts);
  suite.before(() => swarm.start());
  onTeardown(suite, () => swarm.stop());
  return swarm;
}

export interface SwarmOptions {
  /** The daemons' timing profile: `fast` unless a story needs Swarm's own clock. */
  readonly profile?: "fast" | "swarm";
  /** Extra environment of each daemon, asked at every (re)start: test-only failpoints (`SWARMBUS_FAILPOINT`). */
  readonly env?: (name: string) => Record<string, string> | undefined;
}

/**
 * A nats-server on a free port, daemons as child processes with state dirs in
 * a temp dir, and the CLI run as a process, exactly as a user runs it.
 */
export class TestSwarm {
  readonly daemons = new Map<string, DaemonProcess>();
  /** The swarm's nats-server; `nats.connect(name)` gives a bus connection closed when the swarm stops. */
  readonly nats = new TestNats();
  private tmp: string | undefined;
  private readonly subscriptions: EventsSubscription[] = [];

  constructor(private readonly opts: SwarmOptions = {}) {}

  /** The temp dir holding each daemon's state dir and log. */
  get dir(): string {
    if (this.tmp === undefined) throw new Error("the swarm is not started (useSwarm starts it in a before hook)");
    return this.tmp;
  }

  async start(): Promise<void> {
    await this.nats.start();
    this.tmp = mkdtempSync(join(tmpdir(), "swarmbus-e2e-"));
  }

  /** Starts (or restarts, with the same state dir) a daemon and waits until it answers `info`. */
  /** Daemons whose process has not exited yet. */
  private readonly running = new Set<string>();

  async daemon(name: string, opts: { listenPort?: number } = {}): Promise<DaemonProcess> {
    // A second daemon of one name would answer on the same subjects, and outlive the test unseen.
    if (this.running.has(name)) throw new Error(`daemon ${name} is already running: stop it first`);
    const d = spawnDaemon({
      name,
      stateDir: join(this.dir, name),
      natsUrl: this.nats.url,
      natsCreds: await this.nats.credsForNode(name),
      ...(opts.listenPort !== undefined ? { listenAddr: `127.0.0.1:${opts.listenPort}` } : {}),
      profile: this.opts.profile ?? "fast",
      logFile: join(this.dir, `${name}.log`),
      ...(this.opts.env?.(name) ? { env: this.opts.env(name) } : {}),
    });
    this.daemons.set(name, d);
    this.running.add(name);
    let exited = false;
    void d.exited.then(() => {
      exited = true;
      if (this.daemons.get(name) === d) this.running.delete(name);
    });
    await waitFor(
      async () => {
        if (exited) throw new Error(`daemon ${name} exited; see ${join(this.dir, `${name}.log`)}`);
        return (await this.cli(name, "info", "--format", "json")).code === 0;
      },
      // A bound, not an expectation: at load 15+ on 2 cores a restarting manager (its WAL read back,
      // its peers starting beside it) and each `info` process (2–8 s) were seen to need over 20 s.
      { timeoutMs: 60_000, what: `daemon ${name} to answer info`, intervalMs: 100 },
    );
    return d;
  }

  /** Runs `swarmbus --node NODE ARGS…` as a process. */
  async cli(node: string | undefined, ...args: string[]): Promise<CliResult> {
    const r = await runCli(this.nats, node, args);
    return { ...r, code: typeof r.code === "number" ? r.code : -1 };
  }

  /** Runs `swarmbus --node NODE ARGS…` with `input` on its stdin (a key typed into a pipe). */
  async cliWithInput(node: string, input: string, ...args: string[]): Promise<CliResult> {
    const r = await runCli(this.nats, node, args, undefined, input);
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

  /** Manager `name` on `port`, initialized; returns the worker join token and address. */
  async initManager(name: string, port: number): Promise<{ token: string; addr: string }> {
    await this.daemon(name, { listenPort: port });
    const init = await this.cli(name, "swarm", "init", "--listen-addr", `127.0.0.1:${port}`);
    if (init.code !== 0) throw new Error(`swarm init failed: ${init.stderr}`);
    const token = (await this.cli(name, "swarm", "join-token", "-q", "worker")).stdout.trim();
    return { token, addr: `127.0.0.1:${port}` };
  }

  /** Daemon `name` started and joined as a worker with `token` to the manager at `addr`; throws if the join fails. */
  async joinWorker(name: string, token: string, addr: string): Promise<void> {
    await this.daemon(name);
    // Port 0: a worker binds no port until it is promoted, maybe minutes later; a port picked now
    // could be taken by another process by then, and the promoted manager would fail to listen.
    const listen = "127.0.0.1:0";
    const j = await this.cli(name, "swarm", "join", "--token", token, addr, "--listen-addr", listen);
    if (j.code !== 0) throw new Error(`${name} join failed: ${j.stderr}`);
  }

  /** Every actor transition the daemons publish from now on, collected until stop(). */
  async events(name: string): Promise<Collector<ActorTransition>> {
    const events = collector<ActorTransition>();
    this.subscriptions.push(await subscribeEvents(await this.nats.connect(name), {}, events.push));
    return events;
  }

  /** The last lines of each daemon's log, for a failure message: the temp dir is gone after the test. */
  logTails(lines = 12): string {
    return [...this.daemons.keys()]
      .map((name) => {
        const file = join(this.dir, `${name}.log`);
        const tail = existsSync(file) ? readFileSync(file, "utf8").trimEnd().split("\n").slice(-lines) : [];
        return `--- ${name}.log (last ${tail.length} lines)\n${tail.map((l) => l.slice(0, 400)).join("\n")}`;
      })
      .join("\n");
  }

  async stop(): Promise<void> {
    await Promise.allSettled(this.subscriptions.map((s) => s.stop()));
    await Promise.all([...this.daemons.values()].map((d) => d.stop(3000)));
    await this.nats.stop();
    if (this.tmp !== undefined && !process.env.SWARMBUS_KEEP_TEST_DIRS) {
      rmSync(this.tmp, { recursive: true, force: true });
    }
  }
}

/** The errors a write gets while the managers elect a new leader (swarmkit-notes §8). */
const LEADER_CHANGE = /node lost leader status|context deadline exceeded|does not have a leader/;
