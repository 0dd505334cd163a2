import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { issueDaemonCreds } from "../../../src/bus/auth/node-credentials.ts";
import { busTrust, initBusTrust } from "../../../src/bus/auth/trust-root.ts";
import { runCli } from "../../../src/process/cli-process.ts";
import { type DaemonProcess, spawnDaemon } from "../../../src/process/daemon-process.ts";
import { waitFor } from "../wait-for.ts";
import { type HostClient, hostClient } from "./client-bridge.ts";
import { clearRules, cutLink, type Direction, delayUnavailable, dropOneWay, healLink, loss } from "./faults.ts";
import { CLIENT_PORT, NatsCluster } from "./nats-cluster.ts";
import {
  hostAddress,
  makeBridge,
  makeHost,
  type Netns,
  namespacesOf,
  netnsNames,
  removeNamespace,
  sweepDeadRuns,
} from "./netns.ts";

export { netHostsUnavailable } from "./availability.ts";

/** The port every host's daemon serves gRPC on (each host has its own address, so one port for all). */
export const GRPC_PORT = 2377;

export interface NetHostsOptions {
  /** How many hosts (h1…hN), 1 to 9. */
  count: number;
  /** The daemons' timing profile. */
  profile?: "fast" | "swarm";
  /** A parent dir for the run's state dirs, configs and logs (default: the OS temp dir). */
  dir?: string;
  /** Extra environment of `host`'s daemon (e.g. SWARMBUS_FAILPOINT), read at each (re)start. */
  daemonEnv?: (host: string) => Record<string, string> | undefined;
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Hosts h1…hN as Linux network namespaces on one bridge, each with its own address
 * (10.90.0.11, .12…), its own nats-server of one NATS cluster, and (on `daemon(h)`) its own
 * swarmbus daemon serving gRPC on its address; the CLI runs in a host's namespace against
 * its servers. Faults act on a host's cable. Everything is removed by stop(), and at
 * process exit, SIGINT or SIGTERM when stop() did not run; runs of dead processes are swept
 * at start.
 *
 *   const hosts = await NetHosts.start({ count: 3 });
 *   await hosts.daemon("h1"); await hosts.cli("h1", "swarm", "init", "--listen-addr", hosts.grpcAddr("h1"));
 *   hosts.cut("h1"); … hosts.heal("h1");
 *   await hosts.stop();
 */
export class NetHosts {
  readonly names: readonly string[];
  readonly daemons = new Map<string, DaemonProcess>();
  private readonly cliPids = new Set<number>();
  private readonly clients = new Set<HostClient>();
  private stopped = false;

  private constructor(
    readonly net: Netns,
    readonly dir: string,
    readonly nats: NatsCluster,
    private readonly trustDir: string,
    readonly opts: NetHostsOptions,
  ) {
    this.names = Array.from({ length: opts.count }, (_, i) => `h${i + 1}`);
  }

  static async start(opts: NetHostsOptions): Promise<NetHosts> {
    if (!Number.isInteger(opts.count) || opts.count < 1 || opts.count > 9) {
      throw new RangeError(`count must be 1 to 9 hosts, got ${opts.count}`);
    }
    sweepDeadRuns(tmpdir());
    const net = netnsNames(`sbh${process.pid}x${++runs}`);
    const dir = mkdtempSync(join(opts.dir ?? tmpdir(), `swarmbus-${net.prefix}-`));
    const names = Array.from({ length: opts.count }, (_, i) => `h${i + 1}`);
    const addresses = names.map((_, i) => hostAddress(i + 1));
    const partial = { net, dir, hosts: undefined as NetHosts | undefined };
    live.add(partial);
    installExitHandlers();
    try {
      makeBridge(net);
      for (const [i, h] of names.entries()) makeHost(net, h, addresses[i] ?? "");
      const [first, ...others] = addresses;
      const trust = await initBusTrust(join(dir, "bus"), { listen: `${first}:4222`, serverHosts: others });
      const cluster = new NatsCluster(
        dir,
        trust.dir,
        new Map(names.map((h, i) => [h, { address: addresses[i] ?? "", launcher: netnsLauncher(net.ns(h)) }])),
      );
      const hosts = new NetHosts(net, dir, cluster, trust.dir, opts);
      partial.hosts = hosts;
      await Promise.all(names.map((h) => cluster.start(h)));
      return hosts;
    } catch (e) {
      cleanupSync(partial);
      live.delete(partial);
      throw e;
    }
  }

  /** `host`'s address (10.90.0.1N). */
  address(host: string): string {
    const i = this.names.indexOf(host);
    if (i < 0) throw new Error(`no host ${host} (hosts: ${this.names.join(", ")})`);
    return hostAddress(i + 1);
  }

  /** Where `host`'s daemon serves gRPC: its address, port 2377. */
  grpcAddr(host: string): string {
    return `${this.address(host)}:${GRPC_PORT}`;
  }

  /** `--nats` for a process on `host`: every server of the cluster, its own first. */
  natsUrls(host: string): string {
    return this.nats.urlsFrom(host);
  }

  /** The admin's credentials (what the CLI connects with). */
  get adminCreds(): string {
    return busTrust(this.trustDir).adminCreds;
  }

  /** The command that runs a process in `host`'s namespace (prefix of argv). */
  launcher(host: string): string[] {
    this.address(host);
    return netnsLauncher(this.net.ns(host));
  }

  /** Starts (or restarts, same state dir) `host`'s daemon, named as the host; resolves once it answers `info` from its host. */
  async daemon(host: string): Promise<DaemonProcess> {
    const running = this.daemons.get(host);
    if (running && !(await isSettled(running.exited))) throw new Error(`the daemon of ${host} is already running`);
    const d = spawnDaemon({
      name: host,
      stateDir: join(this.dir, host),
      natsUrl: this.natsUrls(host),
      natsCreds: await issueDaemonCreds(this.trustDir, host),
      listenAddr: this.grpcAddr(host),
      advertiseAddr: this.grpcAddr(host),
      profile: this.opts.profile ?? "fast",
      logFile: join(this.dir, `${host}.log`),
      launcher: this.launcher(host),
      ...(this.opts.daemonEnv?.(host) ? { env: this.opts.daemonEnv(host) } : {}),
    });
    this.daemons.set(host, d);
    const log = join(this.dir, `${host}.log`);
    // A daemon that exits fails the start at once, with the end of its log (the run's dir goes with stop()).
    const died = d.exited.then((code) => {
      const tail = existsSync(log) ? readFileSync(log, "utf8").split("\n").slice(-15).join("\n") : "";
      throw new Error(`daemon ${host} exited (${code}) during start-up; the end of its log:\n${tail}`);
    });
    const answering = waitFor(async () => (await this.cli(host, "info", "--format", "json")).code === 0, {
      // A bound, not a wait: under two concurrent suites on 2 cores (load ~20) a start took past 30 s.
      timeoutMs: 60_000,
      what: `daemon ${host} to answer info`,
      intervalMs: 200,
    });
    died.catch(() => {});
    await Promise.race([answering, died]);
    return d;
  }

  /**
   * `swarmbus --nats <host's list> --node <node> ARGS…` run in `host`'s namespace, as a user on
   * that host types it; killed after `timeoutMs` (code -1, "killed after" in stderr).
   */
  cli(host: string, ...args: string[]): Promise<CliResult> {
    return this.cliTo(host, host, args);
  }

  async cliTo(host: string, node: string, args: readonly string[], timeoutMs = 20_000): Promise<CliResult> {
    const signal = AbortSignal.timeout(timeoutMs);
    try {
      const r = await runCli({ url: this.natsUrls(host), creds: this.adminCreds }, node, args, signal, undefined, {
        launcher: this.launcher(host),
        running: this.cliPids,
      });
      return { ...r, code: typeof r.code === "number" ? r.code : -1 };
    } catch (e) {
      if (!signal.aborted) throw e;
      return { code: -1, stdout: "", stderr: `(killed after ${timeoutMs} ms)` };
    }
  }

  /**
   * A NATS connection of this process that is on `host` (client-bridge.ts): to `host`'s own
   * nats-server only, from inside its namespace, as the admin. A cut host keeps it; closed by stop().
   */
  async connect(host: string, name = `client@${host}`): Promise<HostClient["nc"]> {
    const c = await hostClient({
      launcher: this.launcher(host),
      address: this.address(host),
      socketPath: join(this.dir, `${name.replace(/[^\w.@-]/g, "_")}.${this.clients.size}.sock`),
      creds: this.adminCreds,
      ca: busTrust(this.trustDir).busCa,
      name,
    });
    this.clients.add(c);
    return c.nc;
  }

  /**
   * Whether a process on `from` gets an answer from `to`'s nats-server within `timeoutMs`: it
   * sends INFO on connect, so an answer proves packets pass both ways.
   */
  reaches(from: string, to: string, timeoutMs = 1500): Promise<boolean> {
    const probe = `const s=require("net").connect(${CLIENT_PORT},${JSON.stringify(this.address(to))});s.on("data",()=>process.exit(0));s.on("error",()=>process.exit(1));setTimeout(()=>process.exit(2),${timeoutMs});`;
    const [command, ...pre] = [...this.launcher(from), process.execPath];
    return new Promise((resolve) => {
      const child = spawn(command ?? "", [...pre, "-e", probe], { stdio: "ignore" });
      child.once("error", () => resolve(false));
      child.once("exit", (code) => resolve(code === 0));
    });
  }

  // Faults ------------------------------------------------------------------------------

  /** Pulls `host`'s cable: no packet in or out until heal(). */
  cut(host: string): void {
    this.address(host);
    cutLink(this.net, host);
  }

  /** Plugs `host`'s cable back in, and removes its nft faults (one-way drops, loss). */
  heal(host: string): void {
    this.address(host);
    healLink(this.net, host);
    clearRules(this.net, host);
  }

  /** Drops every packet `host` receives ("in") or sends ("out"), only from/to `peer` when given. */
  dropOneWay(host: string, dir: Direction, peer?: string): void {
    dropOneWay(this.net, host, dir, peer === undefined ? undefined : this.address(peer));
  }

  /** Drops `percent` % of `host`'s packets in each direction. */
  loss(host: string, percent: number): void {
    this.address(host);
    loss(this.net, host, percent);
  }

  /** Not on this kernel (no netem): always throws, saying why. */
  delay(_host: string, _ms: number): never {
    throw delayUnavailable();
  }

  /** SIGKILLs `host`'s nats-server; startNats() starts it again with its config. */
  killNats(host: string): Promise<void> {
    return this.nats.kill(host);
  }

  startNats(host: string): Promise<void> {
    return this.nats.start(host);
  }

  /** Sends `signal` to `host`'s daemon (SIGKILL, SIGSTOP, SIGCONT…); after SIGKILL, resolves once it is gone. */
  async signal(host: string, signal: NodeJS.Signals): Promise<void> {
    const d = this.daemons.get(host);
    if (!d) throw new Error(`no daemon on ${host}`);
    d.kill(signal);
    if (signal === "SIGKILL") await d.exited;
  }

  /** Stops every daemon and server, and removes the namespaces and the run's dir. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    await Promise.allSettled([...this.clients].map((c) => c.close()));
    for (const d of this.daemons.values()) d.kill("SIGCONT");
    await Promise.allSettled([...this.daemons.values()].map((d) => d.stop(3000)));
    await this.nats.stop();
    for (const run of live) {
      if (run.hosts !== this) continue;
      cleanupSync(run);
      live.delete(run);
    }
  }

  /** Pids this run started and that may still run (for the exit handler). */
  pids(): number[] {
    return [
      ...[...this.daemons.values()].map((d) => d.pid),
      ...this.nats.pids(),
      ...this.cliPids,
      ...[...this.clients].map((c) => c.pid),
    ];
  }
}

function netnsLauncher(ns: string): string[] {
  return ["ip", "netns", "exec", ns];
}

async function isSettled(p: Promise<unknown>): Promise<boolean> {
  const marker = Symbol();
  return (await Promise.race([p, Promise.resolve(marker)])) !== marker;
}

// Cleanup at exit ---------------------------------------------------------------------------

interface Run {
  net: Netns;
  dir: string;
  hosts: NetHosts | undefined;
}

let runs = 0;
const live = new Set<Run>();
let handlersInstalled = false;

/**
 * Synchronous: it runs in the exit handler, where nothing asynchronous completes. Each step
 * goes on when one before it fails: what can be removed is.
 */
function cleanupSync(run: Run): void {
  for (const pid of run.hosts?.pids() ?? []) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // gone
    }
  }
  const names = [run.net.bridgeNs, ...(run.hosts?.names ?? []).map((h) => run.net.ns(h))];
  let listed: string[] = [];
  try {
    listed = namespacesOf(run.net.prefix);
  } catch {
    // `ip netns list` failed: remove the ones this run named
  }
  for (const ns of new Set([...names, ...listed])) removeNamespace(ns);
  try {
    if (!process.env.SWARMBUS_KEEP_TEST_DIRS) rmSync(run.dir, { recursive: true, force: true });
  } catch (e) {
    process.stderr.write(`net-hosts: cannot remove ${run.dir}: ${e}\n`);
  }
}

function installExitHandlers(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  const cleanAll = () => {
    for (const run of live) cleanupSync(run);
    live.clear();
  };
  process.on("exit", cleanAll);
  for (const [sig, code] of [
    ["SIGINT", 130],
    ["SIGTERM", 143],
  ] as const) {
    process.once(sig, () => {
      cleanAll();
      process.exit(code);
    });
  }
}
