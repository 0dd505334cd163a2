/**
 * The scheduling benchmark (issue 12): 3 manager daemons (real Raft over the
 * bus, WAL with fsync), N simulated agents with real mTLS Dispatcher sessions
 * against the leader (the dispatcher benchmark's load process), then ONE
 * `service.create` of R replicas through the leader's control API, and how
 * long until every task reached an agent's Assignments stream (ASSIGNED:
 * the scheduler's placement committed and dispatched) and until the
 * manager took every agent's RUNNING report (the agents walk ACCEPTED …
 * RUNNING at once and report through the real agent's StatusReporter).
 * Both times are stamped in the load process as it sees them; its counts
 * reach this process up to 100 ms later (`assignedMsReported`).
 *
 *   npm run build
 *   node --import tsx bench/scheduling.bench.ts --nodes 1000 --replicas 10000 [--cpu-prof DIR]
 *        [--state-root DIR] [--profile swarm|fast] [--join-concurrency 8] [--keep]
 *
 * Prints one JSON line of results (and writes it to bench/results/scheduling-<time>.json).
 */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir, totalmem } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { connectBus } from "../src/bus/connection.ts";
import { callDaemon } from "../src/bus/daemon-client.ts";
import { startNatsServer } from "../src/bus/nats-server.ts";
import { serviceSpecFromFlags } from "../src/cli/service-spec.ts";
import { type DaemonProcess, spawnDaemon } from "../src/process/daemon-process.ts";
import { LoadProcess } from "./load-process.ts";
import type { FromLoad } from "./load-protocol.ts";
import { cpuSeconds, ProcessSampler } from "./proc-stats.ts";
import { ensureOpenFiles } from "./support/fd-limit.ts";
import { runDir } from "./support/run-dir.ts";
import { freePort, until } from "./support/wait.ts";

const { values: flags } = parseArgs({
  options: {
    nodes: { type: "string", default: "1000" },
    replicas: { type: "string", default: "10000" },
    profile: { type: "string", default: "swarm" },
    "state-root": { type: "string", default: tmpdir() },
    "join-concurrency": { type: "string", default: "8" },
    "cpu-prof": { type: "string" },
    timeout: { type: "string", default: "600" },
    keep: { type: "boolean", default: false },
    help: { type: "boolean", default: false },
  },
  strict: true,
});
if (flags.help) {
  console.log(
    "usage: node --import tsx bench/scheduling.bench.ts [--nodes 1000] [--replicas 10000] [--profile swarm|fast]\n" +
      "       [--state-root DIR] [--join-concurrency 8] [--cpu-prof DIR] [--timeout 600] [--keep]",
  );
  process.exit(0);
}
const positive = (v: string, what: string): number => {
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0)
    throw new Error(`--${what}: expected a positive integer, got ${JSON.stringify(v)}`);
  return n;
};
const nodes = positive(flags.nodes, "nodes");
const replicas = positive(flags.replicas, "replicas");
const joinConcurrency = positive(flags["join-concurrency"], "join-concurrency");
const timeoutMs = positive(flags.timeout, "timeout") * 1000;
const prof: "swarm" | "fast" = (() => {
  const p = flags.profile;
  if (p !== "swarm" && p !== "fast") throw new Error(`--profile: swarm or fast, got ${p}`);
  return p;
})();
const MANAGERS = ["bench-m1", "bench-m2", "bench-m3"] as const;
const LEADER = MANAGERS[0];
const resultsDir = join(dirname(fileURLToPath(import.meta.url)), "results");

function log(msg: string): void {
  console.error(`[sched ${new Date().toISOString().slice(11, 19)}] ${msg}`);
}

const cleanups: { what: string; fn: () => Promise<void> }[] = [];
async function cleanup(): Promise<void> {
  for (let c = cleanups.pop(); c; c = cleanups.pop()) {
    try {
      await Promise.race([c.fn(), new Promise((r) => setTimeout(r, 20_000))]);
    } catch (e) {
      log(`cleanup of ${c.what} failed: ${String(e)}`);
    }
  }
}
for (const sig of ["SIGINT", "SIGTERM"] as const) {
  process.once(sig, () => void cleanup().finally(() => process.exit(130)));
}

/** As dispatcher.bench.ts: the preloaded module starts V8's profiler on a first SIGUSR2 and writes it on a second. */
function cpuProfEnv(dir: string, name: string): { env: Record<string, string>; file: string } {
  const abs = resolve(dir);
  mkdirSync(abs, { recursive: true });
  const file = join(abs, `${name}.cpuprofile`);
  const preload = `--import=${join(dirname(fileURLToPath(import.meta.url)), "support", "cpu-prof-window.mjs")}`;
  const nodeOptions = [process.env.NODE_OPTIONS, preload].filter(Boolean).join(" ");
  return { env: { NODE_OPTIONS: nodeOptions, SWARMBUS_CPU_PROF_FILE: file }, file };
}

async function main(): Promise<void> {
  const stateDir = runDir(flags["state-root"], "swarmbus-sched-");
  let ok = false;
  cleanups.push({
    what: "state dir",
    fn: async () => {
      if (ok && !flags.keep) rmSync(stateDir, { recursive: true, force: true });
      else log(`state dir and manager logs kept in ${stateDir}`);
    },
  });
  const nats = await startNatsServer();
  cleanups.push({ what: "nats-server", fn: () => nats.stop() });
  const nc = await connectBus(nats, "swarmbus-sched-bench");
  cleanups.push({ what: "NATS connection", fn: () => nc.close() });

  const setup0 = performance.now();
  const addrs = new Map<string, string>();
  const daemons = new Map<string, DaemonProcess>();
  const exits = new Map<string, number | string>();
  const cpuProf = flags["cpu-prof"] ? cpuProfEnv(flags["cpu-prof"], `leader-n${nodes}-r${replicas}`) : undefined;
  for (const name of MANAGERS) {
    addrs.set(name, `127.0.0.1:${await freePort()}`);
    const d = spawnDaemon({
      name,
      stateDir: join(stateDir, name),
      natsUrl: nats.url,
      natsCreds: await nats.credsForNode(name),
      listenAddr: addrs.get(name),
      profile: prof,
      logFile: join(stateDir, `${name}.log`),
      ...(cpuProf && name === LEADER ? { env: cpuProf.env } : {}),
    });
    daemons.set(name, d);
    void d.exited.then((c) => exits.set(name, c));
    cleanups.push({ what: name, fn: () => d.stop(10_000) });
  }
  const alive = () => {
    for (const [name, c] of exits) throw new Error(`daemon ${name} exited (${c}); see ${stateDir}/${name}.log`);
  };
  await Promise.all(
    MANAGERS.map((name) =>
      until(
        async () => {
          alive();
          return callDaemon(nc, name, "info", {}, { timeoutMs: 2000 });
        },
        60_000,
        `daemon ${name} to answer info`,
      ),
    ),
  );
  const leaderAddr = addrs.get(LEADER) as string;
  await callDaemon(nc, LEADER, "init", { listenAddr: leaderAddr }, { timeoutMs: 60_000 });
  const { token: managerToken } = await callDaemon(
    nc,
    LEADER,
    "join-token",
    { role: "manager" },
    { timeoutMs: 20_000 },
  );
  for (const name of MANAGERS.slice(1)) {
    const j = await callDaemon(
      nc,
      name,
      "join",
      { token: managerToken, remoteAddr: leaderAddr, listenAddr: addrs.get(name) },
      { timeoutMs: 60_000 },
    );
    if (j.role !== "manager") throw new Error(`${name} joined as ${j.role}, not as a manager`);
  }
  // The managers are nodes with a real agent and process executor: `busybox` is no program here, so the
  // tasks placed on them were REJECTED and replaced after the 5 s restart delay (the 2–3 % late tail of
  // earlier runs). Drained, as managers under a big workload usually are, the tasks go to the agents only.
  for (const name of MANAGERS) {
    const { NodeID } = await callDaemon(nc, name, "info", {}, { timeoutMs: 20_000 });
    await callDaemon(nc, LEADER, "node.update", { ref: NodeID, availability: "drain" }, { timeoutMs: 20_000 });
  }
  const { token } = await callDaemon(nc, LEADER, "join-token", { role: "worker" }, { timeoutMs: 20_000 });
  const leaderPid = (daemons.get(LEADER) as DaemonProcess).pid;
  ensureOpenFiles(leaderPid, nodes + 1024, "the leader");
  log(`3 managers up (${LEADER} leads, pid ${leaderPid}) in ${((performance.now() - setup0) / 1000).toFixed(1)} s`);

  let tasks: Extract<FromLoad, { type: "tasks" }> = {
    type: "tasks",
    assigned: 0,
    running: 0,
    reportErrors: 0,
    assignedAt: 0,
    runningAt: 0,
    messages: 0,
    changes: 0,
    reportCalls: 0,
    updates: 0,
    gcPauseMs: 0,
    majorGcs: 0,
  };
  let t0 = 0;
  /** t0 on the clock the load process stamps its observations with. */
  let t0Epoch = 0;
  // When an agent saw the last task / the manager took the last RUNNING (the load process's stamps), and when
  // the load process's count reached this process (up to 100 ms later, more when its event loop lags).
  let assignedAt: number | undefined;
  let runningAt: number | undefined;
  let assignedReportedAt: number | undefined;
  let runningReportedAt: number | undefined;
  const progress: { ms: number; assigned: number; running: number }[] = [];
  const load = new LoadProcess(
    {
      addr: leaderAddr,
      token,
      nodes,
      channels: 0,
      joinConcurrency,
      batchSize: 250,
      batchTimeoutMs: 180_000,
      profile: prof,
      hostnamePrefix: "sim",
      assignments: true,
      tasks: true,
    },
    (p) => log(`${p.registered}/${nodes} agents registered`),
  );
  cleanups.push({ what: "load process", fn: () => load.stop() });
  ensureOpenFiles(load.pid, nodes + 1024, "the load process");
  const registered = await load.next("registered", 600_000 + nodes * 600);
  alive();
  log(
    `${registered.nodeIds.length} agents registered in ${registered.rampSeconds.toFixed(1)} s (${registered.transport})`,
  );

  const spec = serviceSpecFromFlags({
    image: "busybox",
    args: ["sleep", "infinity"],
    name: "bench",
    replicas,
    constraint: [],
    placementPref: [],
    env: [],
    label: [],
    containerLabel: [],
  });
  const sampler = new ProcessSampler(leaderPid);
  const daemon = daemons.get(LEADER) as DaemonProcess;
  // Every process of the run shares this machine's cores: what each took up to ASSIGNED tells whether the
  // leader waited on the others (followers, the NATS server, the agents) or on itself.
  const followerPids = MANAGERS.slice(1).map((n) => (daemons.get(n) as DaemonProcess).pid);
  const cpuNow = () => ({
    leader: cpuSeconds(leaderPid) ?? 0,
    followers: followerPids.reduce((a, p) => a + (cpuSeconds(p) ?? 0), 0),
    natsServer: cpuSeconds(nats.pid) ?? 0,
    agents: cpuSeconds(load.pid) ?? 0,
  });
  let cpuAtAssigned: ReturnType<typeof cpuNow> | undefined;
  let trafficAtAssigned:
    | Pick<typeof tasks, "messages" | "changes" | "reportCalls" | "updates" | "gcPauseMs" | "majorGcs">
    | undefined;
  if (cpuProf) daemon.kill("SIGUSR2");
  sampler.start();
  const cpuAtStart = cpuNow();
  t0 = performance.now();
  t0Epoch = performance.timeOrigin + t0;
  const { id } = await callDaemon(nc, LEADER, "service.create", { spec }, { timeoutMs: 60_000 });
  const createMs = performance.now() - t0;
  log(`service ${id} created in ${createMs.toFixed(0)} ms; waiting for ${replicas} tasks`);
  const deadline = Date.now() + timeoutMs;
  let lastLog = 0;
  for (;;) {
    alive();
    const m = await load.next("tasks", Math.max(1, deadline - Date.now())).catch((e: unknown) => {
      if (Date.now() >= deadline) return undefined;
      throw e;
    });
    if (!m) break;
    tasks = m;
    const ms = performance.now() - t0;
    progress.push({ ms: Math.round(ms), assigned: m.assigned, running: m.running });
    if (assignedAt === undefined && m.assigned >= replicas) {
      assignedAt = m.assignedAt - t0Epoch;
      assignedReportedAt = ms;
      cpuAtAssigned = cpuNow();
      const { messages, changes, reportCalls, updates, gcPauseMs, majorGcs } = m;
      trafficAtAssigned = { messages, changes, reportCalls, updates, gcPauseMs: Math.round(gcPauseMs), majorGcs };
    }
    if (runningAt === undefined && m.running >= replicas) {
      runningAt = m.runningAt - t0Epoch;
      runningReportedAt = ms;
    }
    if (ms - lastLog > 5000) {
      lastLog = ms;
      log(`${(ms / 1000).toFixed(1)} s: ${m.assigned} assigned, ${m.running} running`);
    }
    if (runningAt !== undefined) break;
  }
  const cpu = sampler.stop();
  if (cpuProf) daemon.kill("SIGUSR2");
  const result = {
    bench: "scheduling",
    time: new Date().toISOString(),
    nodes,
    replicas,
    managers: MANAGERS.length,
    profile: prof,
    stateRoot: flags["state-root"],
    transport: registered.transport,
    rampSeconds: Number(registered.rampSeconds.toFixed(1)),
    createMs: Math.round(createMs),
    assignedMs: assignedAt === undefined ? null : Math.round(assignedAt),
    runningMs: runningAt === undefined ? null : Math.round(runningAt),
    assignedMsReported: assignedReportedAt === undefined ? null : Math.round(assignedReportedAt),
    runningMsReported: runningReportedAt === undefined ? null : Math.round(runningReportedAt),
    tasksPerSecAssigned: assignedAt === undefined ? null : Math.round(replicas / (assignedAt / 1000)),
    tasksPerSecRunning: runningAt === undefined ? null : Math.round(replicas / (runningAt / 1000)),
    assignedAtEnd: tasks.assigned,
    runningAtEnd: tasks.running,
    reportErrors: tasks.reportErrors,
    leaderCpuPercent: Number(cpu.cpuPercent.toFixed(1)),
    leaderCpuSeconds: Number(cpu.cpuSeconds.toFixed(2)),
    leaderRssMaxMb: Math.round(cpu.rssMaxBytes / 2 ** 20),
    cpuSecondsToAssigned:
      cpuAtAssigned === undefined
        ? null
        : Object.fromEntries(
            Object.entries(cpuAtAssigned).map(([k, v]) => [
              k,
              Number((v - cpuAtStart[k as keyof typeof cpuAtStart]).toFixed(2)),
            ]),
          ),
    // What the agents' process handled up to ASSIGNED (the COMPLETE messages of the registrations included):
    // its CPU follows these, and they vary with how the batches fell.
    agentTrafficToAssigned: trafficAtAssigned ?? null,
    cpuProfile: cpuProf?.file ?? null,
    loadavg: loadavg().map((l) => Number(l.toFixed(2))),
    machine: { cpus: cpus().length, memGb: Math.round(totalmem() / 2 ** 30), node: process.version },
    progress,
  };
  mkdirSync(resultsDir, { recursive: true });
  writeFileSync(
    join(resultsDir, `scheduling-${result.time.replace(/[:.]/g, "-")}.json`),
    `${JSON.stringify(result)}\n`,
  );
  const { progress: _p, ...line } = result;
  console.log(JSON.stringify(line));
  ok = assignedAt !== undefined && runningAt !== undefined;
  if (!ok) process.exitCode = 1;
}

main()
  .catch((e) => {
    console.error(e instanceof Error ? (e.stack ?? e.message) : e);
    process.exitCode = 1;
  })
  .finally(() => cleanup());
