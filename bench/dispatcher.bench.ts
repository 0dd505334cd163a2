/**
 * The dispatcher benchmark: one manager daemon (a real `swarmbus daemon`
 * process), N agents simulated by a separate load process (real NodeCA joins,
 * Dispatcher sessions and heartbeats over gRPC), a steady-state window, and
 * the figures: manager CPU and RSS, heartbeat round trips, false DOWNs.
 *
 *   npm run bench -- --nodes 1000,5000 --duration 120 --profile swarm
 *   # the same against another built checkout first, and the difference:
 *   npm run bench -- --nodes 1000 --duration 60 --before /tmp/before
 *
 * See bench/README.md for what each figure means.
 */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { NatsConnection } from "@nats-io/transport-node";
import { z } from "zod";
import { issueIdentityCreds } from "../src/bus/auth/node-credentials.ts";
import { connectBus } from "../src/bus/connection.ts";
import { callDaemon } from "../src/bus/daemon-client.ts";
import { type ActorTransition, type EventsSubscription, subscribeEvents } from "../src/bus/events.ts";
import { type NatsServerHandle, startNatsServer } from "../src/bus/nats-server.ts";
import { profile } from "../src/config/profile.ts";
import { type DaemonProcess, spawnDaemon } from "../src/process/daemon-process.ts";
import { type BenchArgs, parseBenchArgs, USAGE } from "./args.ts";
import { comparison, type DownEvent, type Phase, type RunResult, type Side, table } from "./dispatcher-report.ts";
import { LoadProcess } from "./load-process.ts";
import { ProcessSampler } from "./proc-stats.ts";
import { beforeCheckout, loadAverage, thisCheckout } from "./support/checkout.ts";
import { ensureOpenFiles, openFileCount } from "./support/fd-limit.ts";
import { runDir } from "./support/run-dir.ts";
import { freePort, until } from "./support/wait.ts";

const MANAGER = "bench-m1";
const resultsDir = join(dirname(fileURLToPath(import.meta.url)), "results");

/** A checkout to run: its own daemon (its spawnDaemon starts its own bin/swarmbus.js) and its own load process. */
interface Target {
  side: Side;
  dir: string;
  spawnDaemon: typeof spawnDaemon;
}

/** Files each of the manager and the load process may need beyond one per agent connection. */
const FD_MARGIN = 1024;

function log(msg: string): void {
  console.error(`[bench ${new Date().toISOString().slice(11, 19)}] ${msg}`);
}

const NodeLsRow = z.object({ ID: z.string(), Status: z.object({ State: z.string() }) });

async function nodeLsByState(nc: NatsConnection): Promise<RunResult["nodeLs"]> {
  const started = performance.now();
  try {
    const res = await callDaemon(nc, MANAGER, "node.ls", {}, { timeoutMs: 30_000 });
    const ms = performance.now() - started;
    const byState: Record<string, number> = {};
    for (const raw of res.nodes) {
      const row = NodeLsRow.safeParse(raw);
      const state = row.success ? row.data.Status.State : "unparsed";
      byState[state] = (byState[state] ?? 0) + 1;
    }
    return { byState, ms };
  } catch (e) {
    return { error: e instanceof Error ? e.message : String(e), ms: performance.now() - started };
  }
}

/** A stack of cleanups, run in reverse, each bounded and never throwing. */
class Cleanup {
  private readonly steps: { what: string; fn: () => Promise<void> }[] = [];
  add(what: string, fn: () => Promise<void>): void {
    this.steps.push({ what, fn });
  }
  async run(): Promise<void> {
    for (let s = this.steps.pop(); s; s = this.steps.pop()) {
      try {
        await Promise.race([s.fn(), new Promise((r) => setTimeout(r, 20_000))]);
      } catch (e) {
        log(`cleanup of ${s.what} failed: ${String(e)}`);
      }
    }
  }
}

let activeCleanup: Cleanup | undefined;

/**
 * CLOCK_MONOTONIC in µs: the clock V8 stamps a .cpuprofile's samples with on
 * Linux, so the window's bounds select its samples in the daemon's profile.
 */
const monotonicUs = (): number => Number(process.hrtime.bigint() / 1000n);

/**
 * The manager daemon profiled in the window only: node refuses --cpu-prof in
 * NODE_OPTIONS, so a preloaded module (either checkout's spawnDaemon passes
 * env on) starts V8's profiler on a first SIGUSR2 and writes it on a second.
 */
function cpuProfOf(dir: string, name: string): { env: Record<string, string>; file: string } {
  const abs = resolve(dir);
  mkdirSync(abs, { recursive: true });
  const file = join(abs, `${name}.cpuprofile`);
  const preload = `--import=${join(dirname(fileURLToPath(import.meta.url)), "support", "cpu-prof-window.mjs")}`;
  const nodeOptions = [process.env.NODE_OPTIONS, preload].filter(Boolean).join(" ");
  return { env: { NODE_OPTIONS: nodeOptions, SWARMBUS_CPU_PROF_FILE: file }, file };
}

async function runOne(n: number, args: BenchArgs, target: Target, round: number): Promise<RunResult> {
  const tp = profile(args.profile);
  const cleanup = new Cleanup();
  activeCleanup = cleanup;
  const stateDir = runDir(args.stateRoot, "swarmbus-bench-");
  let ok = false;
  cleanup.add("state dir", async () => {
    if (ok && !args.keep) rmSync(stateDir, { recursive: true, force: true });
    else log(`state dir and manager log kept in ${stateDir}`);
  });
  try {
    // A --before checkout older than the authenticated bus knows neither its TLS client port nor the
    // per-daemon permissions (its manager's Raft runs on the daemon's connection): it gets the bus of its day.
    const openBus = target.side === "before";
    const nats: NatsServerHandle = await startNatsServer(openBus ? { clientTls: false } : {});
    cleanup.add("nats-server", () => nats.stop());
    const nc = await connectBus(nats, "swarmbus-bench");
    cleanup.add("NATS connection", () => nc.close());

    const cpuProf = args.cpuProfDir ? cpuProfOf(args.cpuProfDir, `${target.side}-n${n}-r${round}`) : undefined;
    const port = await freePort();
    const listenAddr = `127.0.0.1:${port}`;
    const daemon: DaemonProcess = target.spawnDaemon({
      name: MANAGER,
      stateDir: join(stateDir, MANAGER),
      natsUrl: nats.url,
      natsCreds: openBus
        ? await issueIdentityCreds(nats.trustDir, "bench-users", "bench-before", "unrestricted")
        : await nats.credsForNode(MANAGER),
      listenAddr,
      profile: args.profile,
      logFile: join(stateDir, `${MANAGER}.log`),
      ...(cpuProf ? { env: cpuProf.env } : {}),
    });
    cleanup.add("manager daemon", () => daemon.stop(10_000));
    const sockets = (args.channels === 0 ? n : args.channels) + FD_MARGIN;
    ensureOpenFiles(daemon.pid, sockets, "the manager daemon");
    let daemonExit: number | string | undefined;
    void daemon.exited.then((c) => {
      daemonExit = c;
    });
    const alive = () => {
      if (daemonExit !== undefined) throw new Error(`manager daemon exited (${daemonExit}); see ${stateDir}`);
    };
    await until(
      async () => {
        alive();
        return callDaemon(nc, MANAGER, "info", {}, { timeoutMs: 2000 });
      },
      30_000,
      "the manager daemon to answer info",
    );
    await callDaemon(nc, MANAGER, "init", { listenAddr }, { timeoutMs: 60_000 });
    const { token } = await callDaemon(nc, MANAGER, "join-token", { role: "worker" }, { timeoutMs: 10_000 });
    log(
      `N=${n} round ${round} (${target.side}: ${target.dir}): manager ${MANAGER} (pid ${daemon.pid}) initialized on ${listenAddr}`,
    );

    // False DOWN: a liveness-* actor of the manager entering a down state while its agent is alive.
    let phase: Phase = "ramp";
    const downs: DownEvent[] = [];
    const readySeen = new Set<string>();
    const events: EventsSubscription = await subscribeEvents(nc, { node: MANAGER }, (e: ActorTransition) => {
      if (!e.actor.startsWith("liveness-")) return;
      if (/^ready\b/.test(e.state)) readySeen.add(e.actor);
      if (!/^down\b/.test(e.state)) return;
      downs.push({ nodeId: e.actor.slice("liveness-".length), phase, from: e.from, state: e.state, time: e.time });
    });
    cleanup.add("events subscription", () => events.stop());

    let lastProgress = 0;
    const load = new LoadProcess(
      {
        addr: listenAddr,
        token,
        nodes: n,
        channels: args.channels,
        joinConcurrency: args.joinConcurrency,
        batchSize: args.batchSize,
        batchTimeoutMs: 120_000,
        profile: args.profile,
        hostnamePrefix: "sim",
        assignments: true,
      },
      (p) => {
        if (p.registered - lastProgress >= 500 || p.registered === n) {
          lastProgress = p.registered;
          log(`N=${n}: ${p.registered}/${n} agents registered`);
        }
      },
      target.dir,
    );
    cleanup.add("load process", () => load.stop());
    ensureOpenFiles(load.pid, sockets, "the load process");

    // Ramp-up is bounded generously: joins and registrations grow with the store size.
    const registered = await load.next("registered", 600_000 + n * 300);
    alive();
    log(
      `N=${n}: all ${registered.nodeIds.length} agents registered in ${registered.rampSeconds.toFixed(1)} s` +
        ` (${registered.rampSessionEnds} sessions broke during ramp-up; join→Ready p50 ${registered.joinToReady.p50Ms?.toFixed(0)} ms,` +
        ` p95 ${registered.joinToReady.p95Ms?.toFixed(0)} ms; ${registered.transport})`,
    );

    phase = "settle";
    const settleSec = args.settleSec ?? (tp.heartbeatPeriodMs + tp.heartbeatEpsilonMs) / 1000;
    await new Promise((r) => setTimeout(r, settleSec * 1000));

    phase = "window";
    const mgrSampler = new ProcessSampler(daemon.pid);
    const loadSampler = new ProcessSampler(load.pid);
    const loadAtStart = loadAverage();
    const openFiles = { manager: openFileCount(daemon.pid) ?? null, load: openFileCount(load.pid) ?? null };
    load.send({ type: "window-start" });
    const windowStartUs = monotonicUs();
    if (cpuProf) daemon.kill("SIGUSR2");
    mgrSampler.start();
    loadSampler.start();
    log(`N=${n}: steady-state window of ${args.durationSec} s started`);
    const windowEnd = Date.now() + args.durationSec * 1000;
    while (Date.now() < windowEnd) {
      alive();
      await new Promise((r) => setTimeout(r, Math.min(1000, Math.max(0, windowEnd - Date.now()))));
    }
    const manager = mgrSampler.stop();
    const windowEndUs = monotonicUs();
    if (cpuProf) daemon.kill("SIGUSR2");
    const loadStats = loadSampler.stop();
    load.send({ type: "window-end" });
    const loadAtEnd = loadAverage();
    const { stats } = await load.next("window-stats", 30_000);
    log(
      `N=${n}: heartbeat path: manager CPU ${manager.cpuPercent.toFixed(1)} % of one core ` +
        `(${manager.cpuSeconds.toFixed(2)} CPU-s in ${manager.wallSeconds.toFixed(1)} s) for ${stats.heartbeatsOk} heartbeats` +
        ` (HB p50 ${stats.heartbeat.p50Ms?.toFixed(1)} ms, p99 ${stats.heartbeat.p99Ms?.toFixed(1)} ms, ${stats.heartbeatsFailed} failed)`,
    );
    const nodeLs = await nodeLsByState(nc);
    phase = "teardown";
    alive();

    // The check that the DOWN counter counts: stop every agent; each node must go DOWN within the grace period.
    let downCheck: RunResult["downCheck"];
    if (!args.skipDownCheck) {
      const agentIds = new Set(registered.nodeIds);
      const teardownDowns = () =>
        new Set(downs.filter((d) => d.phase === "teardown" && agentIds.has(d.nodeId)).map((d) => d.nodeId)).size;
      const stoppedAt = Date.now();
      await load.stop();
      const graceMs = (tp.heartbeatPeriodMs + tp.heartbeatEpsilonMs) * tp.gracePeriodMultiplier;
      // Bounded: the grace period, then as long as DOWNs keep coming (each is a store write), at most n × 100 ms more.
      const hardEnd = stoppedAt + graceMs + 15_000 + n * 100;
      let lastCount = -1;
      let lastChange = Date.now();
      for (let c = teardownDowns(); c < agentIds.size && Date.now() < hardEnd; c = teardownDowns()) {
        if (c !== lastCount) {
          lastCount = c;
          lastChange = Date.now();
        } else if (Date.now() - stoppedAt > graceMs && Date.now() - lastChange > 15_000) break;
        await new Promise((r) => setTimeout(r, 250));
      }
      downCheck = { agentsStopped: agentIds.size, wentDown: teardownDowns(), seconds: (Date.now() - stoppedAt) / 1000 };
      log(
        `N=${n}: down check: ${downCheck.wentDown}/${downCheck.agentsStopped} stopped agents marked DOWN in ${downCheck.seconds.toFixed(1)} s`,
      );
    }

    const falseDowns = downs.filter((d) => d.phase !== "teardown");
    ok = true;
    return {
      side: target.side,
      round,
      checkout: target.dir,
      transport: registered.transport,
      nodes: n,
      profile: args.profile,
      channels: args.channels,
      durationSec: args.durationSec,
      loadAverage: { windowStart: loadAtStart, windowEnd: loadAtEnd },
      openFiles,
      rampSeconds: registered.rampSeconds,
      join: registered.join,
      register: registered.register,
      joinToReady: registered.joinToReady,
      rampSessionEnds: registered.rampSessionEnds,
      rampErrors: registered.rampErrors,
      manager,
      load: loadStats,
      window: stats,
      falseDown: {
        total: falseDowns.length,
        window: falseDowns.filter((d) => d.phase === "window").length,
        events: falseDowns.slice(0, 50),
      },
      nodeLs,
      livenessReadySeen: readySeen.size,
      ...(downCheck ? { downCheck } : {}),
      ...(cpuProf ? { cpuProfile: { file: cpuProf.file, windowStartUs, windowEndUs } } : {}),
      ...(args.keep ? { stateDir } : {}),
    };
  } finally {
    await cleanup.run();
    activeCleanup = undefined;
  }
}

/** This checkout alone, or --before's checkout then this one. */
async function targets(args: BenchArgs): Promise<Target[]> {
  const self: Target = { side: "this", dir: thisCheckout, spawnDaemon };
  if (!args.before) return [self];
  // Its load process speaks this benchmark's protocol only if it has the same harness.
  const dir = await beforeCheckout(args.before, ["bench/load-agents.ts", "bench/support/agent-channel.ts"]);
  // Its own spawnDaemon: that module finds its checkout's bin/swarmbus.js from where it lies.
  const mod = (await import(pathToFileURL(join(dir, "src", "process", "daemon-process.ts")).href)) as {
    spawnDaemon: typeof spawnDaemon;
  };
  const both: Target[] = [
    { side: "before", dir, spawnDaemon: mod.spawnDaemon },
    { ...self, side: "after" },
  ];
  // One side only (SWARMBUS_BENCH_ONLY=before|after): to finish a comparison whose other side already ran.
  const only = process.env.SWARMBUS_BENCH_ONLY;
  return only ? both.filter((t) => t.side === only) : both;
}

async function main(): Promise<number> {
  let args: BenchArgs;
  try {
    args = parseBenchArgs(process.argv.slice(2));
  } catch (e) {
    console.error(`${e instanceof Error ? e.message : String(e)}\n${USAGE}`);
    return 2;
  }
  const onSignal = () => {
    log("interrupted: stopping everything");
    void (activeCleanup?.run() ?? Promise.resolve()).finally(() => process.exit(130));
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);

  let sides: Target[];
  try {
    sides = await targets(args);
  } catch (e) {
    console.error(e instanceof Error ? e.message : String(e));
    return 2;
  }
  const results: RunResult[] = [];
  let failed = false;
  // Per N, before and after back to back, so both see about the same machine; which goes first alternates by round.
  for (const n of args.nodes) {
    for (let round = 1; round <= args.rounds; round++) {
      for (const target of round % 2 === 1 ? sides : [...sides].reverse()) {
        try {
          results.push(await runOne(n, args, target, round));
        } catch (e) {
          failed = true;
          log(`N=${n} round ${round} (${target.side}) failed: ${e instanceof Error ? e.message : String(e)}`);
        }
      }
    }
  }
  if (results.length > 0) {
    mkdirSync(resultsDir, { recursive: true });
    const file = join(resultsDir, `dispatcher-${new Date().toISOString().replace(/[:.]/g, "-")}.json`);
    const machine = {
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model ?? "",
      memBytes: totalmem(),
      node: process.version,
    };
    writeFileSync(file, `${JSON.stringify({ command: process.argv.slice(2), machine, results }, null, 2)}\n`);
    const channels = args.channels === 0 ? "one channel per agent" : `${args.channels} shared channels`;
    console.log(
      `\ndispatcher benchmark, profile ${args.profile}, ${args.durationSec} s steady state per run, ${channels}, ` +
        `join concurrency ${args.joinConcurrency}\n`,
    );
    for (const t of sides) {
      const r = results.find((x) => x.side === t.side);
      console.log(`${t.side}: ${t.dir}${r ? ` — ${r.transport}` : ""}`);
    }
    console.log(`\n${table(results)}`);
    const diff = comparison(results);
    if (diff) console.log(`\n${diff}`);
    for (const r of results) {
      if (r.rampSessionEnds > 0)
        console.log(`N=${r.nodes} ${r.side} ramp-up session errors: ${JSON.stringify(r.rampErrors)}`);
      if (Object.keys(r.window.errors).length > 0)
        console.log(`N=${r.nodes} ${r.side} session errors: ${JSON.stringify(r.window.errors)}`);
      if ("error" in r.nodeLs) console.log(`N=${r.nodes} ${r.side} node ls: ${r.nodeLs.error}`);
    }
    console.log(`\nresults: ${file}`);
  }
  return failed ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
