import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { NatsConnection } from "@nats-io/transport-node";
import { connectBus } from "../bus/connection.ts";
import { callDaemon } from "../bus/daemon-client.ts";
import type { DaemonRequest, DaemonResults, DaemonVerb } from "../bus/daemon-contract.ts";
import { type ActorTransition, type EventsSubscription, subscribeEvents } from "../bus/events.ts";
import { type NatsServerHandle, startNatsServer } from "../bus/nats-server.ts";
import { type DaemonProcess, spawnDaemon } from "../process/daemon-process.ts";
import { isRpcError, rpcError } from "../rpc/status.ts";
import { startTcpProxy, type TcpProxy } from "./tcp-proxy.ts";

/** Loopback, port picked by the kernel when the node binds it. */
const UNBOUND_ADDR = "127.0.0.1:0";

interface NodeSlot {
  readonly name: string;
  readonly stateDir: string;
  readonly logFile: string;
  /**
   * The node's gRPC address once it has bound one (its manager's, learned after an init or
   * a join as a manager). Until then the node listens on port 0: the kernel picks the port
   * as it binds it. A port picked at the scenario's start and bound steps later could be
   * taken meanwhile by any other process (a test file beside this one), and the join failed
   * "address already in use". A restarted node comes back on the port its start config kept.
   */
  listenAddr?: string;
  readonly proxy: TcpProxy;
  daemon?: DaemonProcess;
  running: boolean;
  paused: boolean;
  nodeId?: string;
}

export interface LocalSwarmOptions {
  nodes: readonly string[];
  profile: "fast" | "swarm";
  /** A Stately inspector relay (ws:// URL) every daemon streams its actors to. */
  inspect?: string;
  onTransition: (t: ActorTransition) => void;
  onNodeExit: (node: string, code: number | string, expected: boolean) => void;
}

/**
 * The scenario's own swarm: a nats-server on a free port, one TCP proxy per
 * node between its daemon and that server (so the node can be cut off the
 * bus), daemons as child processes with state dirs under one temp dir, and
 * the runner's own bus connection, subscribed to the events stream before any
 * daemon starts.
 */
export class LocalSwarm {
  private readonly slots = new Map<string, NodeSlot>();
  private events?: EventsSubscription;
  /** Exits the runner caused (stop, kill, restart), so they are not reported as crashes. */
  private readonly expectedExit = new Set<DaemonProcess>();

  private constructor(
    readonly dir: string,
    readonly nats: NatsServerHandle,
    readonly nc: NatsConnection,
    private readonly opts: LocalSwarmOptions,
  ) {}

  static async start(opts: LocalSwarmOptions): Promise<LocalSwarm> {
    const dir = mkdtempSync(join(tmpdir(), "swarmbus-scenario-"));
    const nats = await startNatsServer();
    let nc: NatsConnection | undefined;
    try {
      nc = await connectBus(nats, "swarmbus-scenario");
      const swarm = new LocalSwarm(dir, nats, nc, opts);
      swarm.events = await subscribeEvents(nc, {}, opts.onTransition);
      const { hostname, port } = new URL(nats.url);
      for (const name of opts.nodes) {
        const proxy = await startTcpProxy({ host: hostname, port: Number(port) });
        swarm.slots.set(name, {
          name,
          stateDir: join(dir, name),
          logFile: join(dir, `${name}.log`),
          proxy,
          running: false,
          paused: false,
        });
      }
      return swarm;
    } catch (e) {
      await nc?.close();
      await nats.stop();
      rmSync(dir, { recursive: true, force: true });
      throw e;
    }
  }

  private slot(name: string): NodeSlot {
    const s = this.slots.get(name);
    if (!s) throw rpcError("InvalidArgument", `no node ${name} in this scenario`);
    return s;
  }

  /** The node's gRPC address, once it has one (see NodeSlot.listenAddr). */
  addr(name: string): string | undefined {
    return this.slot(name).listenAddr;
  }

  /** Where the node listens: its address once bound, else port 0 (the port is picked as it binds). */
  listenAddr(name: string): string {
    return this.slot(name).listenAddr ?? UNBOUND_ADDR;
  }

  /** The node's manager bound `addr` (its init or join told). */
  setAddr(name: string, addr: string): void {
    this.slot(name).listenAddr = addr;
  }

  isRunning(name: string): boolean {
    return this.slot(name).running;
  }

  logFile(name: string): string {
    return this.slot(name).logFile;
  }

  /** The last lines of a node's log, for a report. */
  logTail(name: string, lines = 8): string {
    const f = this.slot(name).logFile;
    if (!existsSync(f)) return "";
    return readFileSync(f, "utf8").trimEnd().split("\n").slice(-lines).join("\n");
  }

  /** Starts the daemon (its state dir kept from any earlier run) and resolves once it answers `info`. */
  async startNode(name: string, signal: AbortSignal): Promise<void> {
    const s = this.slot(name);
    if (s.running) throw rpcError("FailedPrecondition", `${name} is already running`);
    const d = spawnDaemon({
      name,
      stateDir: s.stateDir,
      natsUrl: `nats://127.0.0.1:${s.proxy.port}`,
      natsCreds: await this.nats.credsForNode(name),
      listenAddr: this.listenAddr(name),
      profile: this.opts.profile,
      logFile: s.logFile,
      ...(this.opts.inspect ? { inspect: this.opts.inspect } : {}),
    });
    s.daemon = d;
    s.running = true;
    s.paused = false;
    void d.exited.then((code) => {
      if (s.daemon === d) s.running = false;
      this.opts.onNodeExit(name, code, this.expectedExit.delete(d));
    });
    for (;;) {
      if (!s.running || s.daemon !== d) {
        throw rpcError("Unavailable", `daemon ${name} exited during start-up; its log ends:\n${this.logTail(name)}`);
      }
      signal.throwIfAborted();
      try {
        // `actors` answers at once (info may wait on a manager's control API); whatever it reports is current.
        const { actors } = await this.call(name, "actors", {}, 2_000);
        for (const t of actors) this.opts.onTransition(t);
        return;
      } catch (e) {
        if (!isRpcError(e, "Unavailable") && !isRpcError(e, "DeadlineExceeded")) throw e;
      }
      await abortableDelay(100, signal);
    }
  }

  /** SIGTERM (SIGKILL after `graceMs`), or SIGKILL at once; resolves when the process is gone. */
  async stopNode(name: string, how: "term" | "kill", graceMs: number): Promise<void> {
    const s = this.slot(name);
    const d = s.daemon;
    if (!d || !s.running) return;
    this.expectedExit.add(d);
    if (how === "kill") {
      d.kill("SIGKILL");
      await d.exited;
      return;
    }
    // A frozen process cannot act on SIGTERM.
    if (s.paused) d.kill("SIGCONT");
    s.paused = false;
    await d.stop(graceMs);
  }

  /** SIGSTOP / SIGCONT: the whole node frozen, its timers and sockets with it. */
  freeze(name: string, frozen: boolean): void {
    const s = this.slot(name);
    if (!s.daemon || !s.running) throw rpcError("FailedPrecondition", `${name} is not running`);
    s.daemon.kill(frozen ? "SIGSTOP" : "SIGCONT");
    s.paused = frozen;
  }

  cut(name: string): void {
    this.slot(name).proxy.cut();
  }

  heal(name: string): void {
    this.slot(name).proxy.heal();
  }

  /** One daemon API call from the runner's own connection (never cut). */
  call<V extends DaemonVerb>(
    name: string,
    verb: V,
    req: DaemonRequest<V>,
    timeoutMs: number,
  ): Promise<DaemonResults[V]> {
    return callDaemon(this.nc, name, verb, req, { timeoutMs });
  }

  knownNodeId(name: string): string | undefined {
    return this.slot(name).nodeId;
  }

  setNodeId(name: string, id: string | undefined): void {
    this.slot(name).nodeId = id;
  }

  /** Stops every daemon (thawing frozen ones first), the proxies, the bus and nats-server. */
  async close(opts: { keep: boolean }): Promise<void> {
    await Promise.allSettled(
      [...this.slots.values()].map(async (s) => {
        if (s.daemon && s.running) {
          this.expectedExit.add(s.daemon);
          if (s.paused) s.daemon.kill("SIGCONT");
          await s.daemon.stop(5_000);
        }
        await s.proxy.close();
      }),
    );
    await this.events?.stop();
    await this.nc.close().catch(() => {});
    await this.nats.stop();
    if (!opts.keep) rmSync(this.dir, { recursive: true, force: true });
  }
}

export function abortableDelay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    signal.addEventListener("abort", onAbort, { once: true });
  });
}
