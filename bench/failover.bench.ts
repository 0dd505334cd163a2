/**
 * The failover benchmark: 3 manager daemons (real `swarmbus daemon`
 * processes, init + 2 manager-token joins) on a fresh nats-server; SIGKILL the
 * leader; from that instant, how long until `node ls` succeeds on a survivor
 * with a new leader in its answer, and until a survivor's raft actor enters
 * `leader` on the events stream. Fresh cluster per run.
 *
 *   node --import tsx bench/failover.bench.ts --runs 10 --profile fast,swarm
 *
 * See bench/README.md for what each figure means.
 */
import { existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir, totalmem } from "node:os";
import { dirname, join } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import type { NatsConnection } from "@nats-io/transport-node";
import { z } from "zod";
import { connectBus } from "../src/bus/connection.ts";
import { callDaemon } from "../src/bus/daemon-client.ts";
import { type ActorTransition, type EventsSubscription, subscribeEvents } from "../src/bus/events.ts";
import { startNatsServer } from "../src/bus/nats-server.ts";
import { type ProfileName, profile } from "../src/config/profile.ts";
import { type DaemonProcess, spawnDaemon } from "../src/process/daemon-process.ts";
import { percentile } from "./percentile.ts";
import { runDir } from "./support/run-dir.ts";
import { freePort, until } from "./support/wait.ts";

const resultsDir = join(dirname(fileURLToPath(import.meta.url)), "results");
const MANAGERS = ["fo-m1", "fo-m2", "fo-m3"] as const;

export const USAGE = `usage: node --import tsx bench/failover.bench.ts [--runs 10] [--profile fast,swarm]
       [--call-timeout 500] [--poll-interval 25] [--state-root DIR] [--keep]`;

interface FailoverArgs {
  runs: number;
  profiles: ProfileName[];
  /** Per node.ls call (callDaemon timeout), ms. */
  callTimeoutMs: number;
  /** A new node.ls call to each survivor every this many ms (calls overlap, at most timeout/interval in flight). */
  pollIntervalMs: number;
  stateRoot: string;
  keep: boolean;
}

function positive(v: string, flag: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0)
    throw new Error(`--${flag}: expected a positive integer, got ${JSON.stringify(v)}`);
  return n;
}

function parseFailoverArgs(argv: string[]): FailoverArgs {
  const { values } = parseArgs({
    args: argv,
    options: {
      runs: { type: "string", default: "10" },
      profile: { type: "string", default: "fast,swarm" },
      "call-timeout": { type: "string", default: "500" },
      "poll-interval": { type: "string", default: "25" },
      "state-root": { type: "string" },
      keep: { type: "boolean", default: false },
      help: { type: "boolean", default: false },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const profiles = values.profile.split(",").map((s) => s.trim());
  for (const p of profiles) {
    if (p !== "fast" && p !== "swarm")
      throw new Error(`--profile: expected fast and/or swarm, got ${JSON.stringify(p)}`);
  }
  return {
    runs: positive(values.runs, "runs"),
    profiles: profiles as ProfileName[],
    callTimeoutMs: positive(values["call-timeout"], "call-timeout"),
    pollIntervalMs: positive(values["poll-interval"], "poll-interval"),
    // tmpfs by default: what is measured is the election and the control path, not fsync.
    stateRoot: values["state-root"] ?? (existsSync("/dev/shm") ? "/dev/shm" : tmpdir()),
    keep: values.keep,
  };
}

function log(msg: string): void {
  console.error(`[failover ${new Date().toISOString().slice(11, 19)}] ${msg}`);
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

const msgOf = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/** The node ls fields this benchmark reads (moby's swarm.Node, as the daemon answers). */
const LsNode = z.object({
  Description: z.object({ Hostname: z.string() }),
  ManagerStatus: z.object({ Leader: z.boolean().optional(), Reachability: z.string() }).optional(),
});

interface LsView {
  leaders: string[];
  reachable: string[];
  unreachable: string[];
}

function lsView(nodes: unknown[]): LsView {
  const view: LsView = { leaders: [], reachable: [], unreachable: [] };
  for (const raw of nodes) {
    const n = LsNode.safeParse(raw);
    if (!n.success || !n.data.ManagerStatus) continue;
    const host = n.data.Description.Hostname;
    if (n.data.ManagerStatus.Leader) view.leaders.push(host);
    else if (n.data.ManagerStatus.Reachability === "reachable") view.reachable.push(host);
    else view.unreachable.push(host);
  }
  return view;
}

/** A stack of cleanups, run in reverse, each bounded and never throwing. */
class Cleanup {
  private readonly steps: { what: string; fn: () => Promise<void> }[] = [];
  add(what: string, fn: () => Promise<void>): void {
    this.steps.push({ what, fn });
  }
  async run(): Promise<void> {
    for (let s = this.steps.pop(); s; s = this.steps.pop()) {
      let timer: NodeJS.Timeout | undefined;
      try {
        await Promise.race([s.fn(), new Promise((r) => (timer = setTimeout(r, 20_000)))]);
      } catch (e) {
        log(`cleanup of ${s.what} failed: ${msgOf(e)}`);
      } finally {
        clearTimeout(timer);
      }
    }
  }
}

let activeCleanup: Cleanup | undefined;

/** A raft actor transition of a survivor, after the kill. */
interface RaftStep {
  node: string;
  from: string | null;
  state: string;
  term: number | null;
  lead: string | null;
  /** ms after the SIGKILL, as received by the benchmark. */
  atMs: number;
}

interface CallAtKill {
  survivor: string;
  /** ms after the SIGKILL when the answer (or the error) came. */
  ms: number;
  /** The leader named in the answer; absent on error. */
  leader?: string;
  error?: string;
}

export interface FailoverRun {
  profile: ProfileName;
  run: number;
  killed: string;
  survivors: string[];
  /** SIGKILL → the first node.ls answer from a survivor naming a leader other than the killed one. */
  nodeLsMs: number;
  nodeLsVia: string;
  newLeader: string;
  /** SIGKILL → a survivor's raft actor enters `leader` (events stream). */
  raftLeaderMs: number | null;
  raftLeader: string | null;
  /** SIGKILL → a survivor's raft actor first leaves `follower` (its election timeout fired). */
  electionTimeoutMs: number | null;
  /**
   * One node.ls per survivor sent at the instant of the kill and left to run (a user who types
   * `node ls` right then): when it answered, and with what. Bounded by the daemon's own deadline.
   */
  callAtKill: CallAtKill[];
  /** node.ls calls sent to survivors, answers naming the killed node as leader, and failures by `Code: message`. */
  calls: { sent: number; staleLeader: number; errors: Record<string, number> };
  raftSteps: RaftStep[];
  setupSeconds: number;
  stateDir?: string;
}

const errKey = (e: unknown): string => {
  const code = (e as { code?: unknown })?.code;
  return `${typeof code === "string" || typeof code === "number" ? `${code}: ` : ""}${msgOf(e)}`.slice(0, 200);
};

async function runOne(profileName: ProfileName, run: number, args: FailoverArgs): Promise<FailoverRun> {
  const tp = profile(profileName);
  const cleanup = new Cleanup();
  activeCleanup = cleanup;
  const stateDir = runDir(args.stateRoot, "swarmbus-failover-");
  let ok = false;
  cleanup.add("state dir", async () => {
    if (ok && !args.keep) rmSync(stateDir, { recursive: true, force: true });
    else log(`state dir and daemon logs kept in ${stateDir}`);
  });
  try {
    const setupStart = performance.now();
    const nats = await startNatsServer();
    cleanup.add("nats-server", () => nats.stop());
    const nc: NatsConnection = await connectBus(nats, "swarmbus-failover-bench");
    cleanup.add("NATS connection", () => nc.close());

    // Every raft actor transition from the start, so the leader is known before the kill.
    const raftState = new Map<string, ActorTransition>();
    let killedAt: number | undefined;
    let killedName: string | undefined;
    const raftSteps: RaftStep[] = [];
    const events: EventsSubscription = await subscribeEvents(nc, { actor: "raft" }, (e) => {
      raftState.set(e.node, e);
      if (killedAt === undefined || e.node === killedName) return;
      const term = e.context?.term;
      const lead = e.context?.lead;
      raftSteps.push({
        node: e.node,
        from: e.from,
        state: e.state,
        term: typeof term === "number" ? term : null,
        lead: typeof lead === "string" ? lead : null,
        atMs: performance.now() - killedAt,
      });
    });
    cleanup.add("events subscription", () => events.stop());

    const daemons = new Map<string, DaemonProcess>();
    const addrs = new Map<string, string>();
    const exits = new Map<string, number | string>();
    for (const name of MANAGERS) {
      const addr = `127.0.0.1:${await freePort()}`;
      const d = spawnDaemon({
        name,
        stateDir: join(stateDir, name),
        natsUrl: nats.url,
        natsCreds: await nats.credsForNode(name),
        listenAddr: addr,
        profile: profileName,
        logFile: join(stateDir, `${name}.log`),
      });
      void d.exited.then((c) => exits.set(name, c));
      daemons.set(name, d);
      addrs.set(name, addr);
      cleanup.add(`daemon ${name}`, () => d.stop(2000));
    }
    const alive = (name: string) => {
      const c = exits.get(name);
      if (c !== undefined) throw new Error(`daemon ${name} exited (${c}); see ${stateDir}/${name}.log`);
    };
    await Promise.all(
      MANAGERS.map((name) =>
        until(
          async () => {
            alive(name);
            return callDaemon(nc, name, "info", {}, { timeoutMs: 2000 });
          },
          60_000,
          `daemon ${name} to answer info`,
        ),
      ),
    );
    const [first, ...others] = MANAGERS;
    await callDaemon(nc, first, "init", { listenAddr: addrs.get(first) }, { timeoutMs: 60_000 });
    const { token } = await callDaemon(nc, first, "join-token", { role: "manager" }, { timeoutMs: 20_000 });
    for (const name of others) {
      const j = await callDaemon(
        nc,
        name,
        "join",
        { token, remoteAddr: addrs.get(first) as string, listenAddr: addrs.get(name) },
        { timeoutMs: 60_000 },
      );
      if (j.role !== "manager") throw new Error(`${name} joined as ${j.role}, not as a manager`);
    }

    // Steady: every manager's node ls shows the same one Leader and two Reachable, and that leader's raft actor leads.
    const leader = await until(
      async () => {
        const views = await Promise.all(
          MANAGERS.map(async (m) => lsView((await callDaemon(nc, m, "node.ls", {}, { timeoutMs: 2000 })).nodes)),
        );
        const l = views[0]?.leaders[0];
        const steady = views.every((v) => v.leaders.length === 1 && v.leaders[0] === l && v.reachable.length === 2);
        return steady && l && raftState.get(l)?.state === "leader" ? l : undefined;
      },
      60_000,
      "one Leader and two Reachable managers in node ls on every manager",
    );
    const setupSeconds = (performance.now() - setupStart) / 1000;
    const survivors = MANAGERS.filter((m) => m !== leader);
    const victim = daemons.get(leader) as DaemonProcess;

    // The kill, and from that instant: node.ls on each survivor, a new call every poll interval, overlapping.
    const calls = { sent: 0, staleLeader: 0, errors: {} as Record<string, number> };
    let answer: { atMs: number; via: string; leader: string } | undefined;
    const boundMs = 20 * tp.raftElectionTicks * tp.raftTickMs;
    killedName = leader;
    killedAt = performance.now();
    victim.kill("SIGKILL");
    const t0 = killedAt;
    const pending = new Set<Promise<void>>();
    // The daemon gives up after requestTimeoutMs (moby's swarmRequestTimeout); we wait a little longer for its answer.
    const atKill = survivors.map(
      (s): Promise<CallAtKill> =>
        callDaemon(nc, s, "node.ls", {}, { timeoutMs: tp.requestTimeoutMs + 5000 }).then(
          (res) => {
            const ms = performance.now() - t0;
            const v = lsView(res.nodes);
            return { survivor: s, ms, ...(v.leaders[0] !== undefined ? { leader: v.leaders[0] } : {}) };
          },
          (e: unknown) => ({ survivor: s, ms: performance.now() - t0, error: errKey(e) }),
        ),
    );
    while (answer === undefined && performance.now() - t0 < boundMs) {
      for (const s of survivors) {
        calls.sent++;
        const p = callDaemon(nc, s, "node.ls", {}, { timeoutMs: args.callTimeoutMs }).then(
          (res) => {
            const at = performance.now() - t0;
            const v = lsView(res.nodes);
            const l = v.leaders[0];
            if (v.leaders.length === 1 && l !== undefined && l !== leader) {
              if (answer === undefined) answer = { atMs: at, via: s, leader: l };
            } else if (answer === undefined) calls.staleLeader++;
          },
          (e: unknown) => {
            if (answer === undefined) calls.errors[errKey(e)] = (calls.errors[errKey(e)] ?? 0) + 1;
          },
        );
        const tracked = p.finally(() => pending.delete(tracked));
        pending.add(tracked);
      }
      await sleep(args.pollIntervalMs);
    }
    if (answer === undefined) {
      throw new Error(`no survivor answered node ls with a new leader within ${boundMs} ms: ${JSON.stringify(calls)}`);
    }
    // The leader's raft transition may reach us just after the node ls answer: wait for it, bounded.
    const raftLeaderStep = () => raftSteps.find((s) => s.state === "leader");
    await until(
      async () => raftLeaderStep(),
      5 * tp.raftTickMs + 2000,
      "a survivor's raft actor to enter leader",
    ).catch((e: unknown) => log(`run ${run}: ${msgOf(e)}`));
    await Promise.allSettled([...pending]);
    const callAtKill = await Promise.all(atKill);
    const leaderStep = raftLeaderStep();
    const firstMove = raftSteps.find((s) => s.from === "follower" && s.state !== "follower");
    ok = true;
    return {
      profile: profileName,
      run,
      killed: leader,
      survivors: [...survivors],
      nodeLsMs: answer.atMs,
      nodeLsVia: answer.via,
      newLeader: answer.leader,
      raftLeaderMs: leaderStep?.atMs ?? null,
      raftLeader: leaderStep?.node ?? null,
      electionTimeoutMs: firstMove?.atMs ?? null,
      callAtKill,
      calls,
      raftSteps,
      setupSeconds,
      ...(args.keep ? { stateDir } : {}),
    };
  } finally {
    await cleanup.run();
    activeCleanup = undefined;
  }
}

const fmt = (v: number | null | undefined): string =>
  v === null || v === undefined || Number.isNaN(v) ? "-" : String(Math.round(v));

interface ProfileSummary {
  profile: ProfileName;
  runs: number;
  failed: number;
  nodeLs: { p50Ms: number; maxMs: number };
  raftLeader: { p50Ms: number; maxMs: number };
  electionTimeout: { p50Ms: number; maxMs: number };
  /** node ls answer after the raft actor entered leader (per run: nodeLsMs − raftLeaderMs). */
  serveAfterLeader: { p50Ms: number; maxMs: number };
  /** The node.ls sent at the kill: answers with a new leader / calls, and the time of those answers. */
  callAtKill: { ok: number; calls: number; p50Ms: number; maxMs: number };
}

function stat(values: number[]): { p50Ms: number; maxMs: number } {
  return { p50Ms: percentile(values, 50), maxMs: values.length ? Math.max(...values) : Number.NaN };
}

function summarize(p: ProfileName, runs: FailoverRun[], failed: number): ProfileSummary {
  const nums = (f: (r: FailoverRun) => number | null) =>
    runs.map(f).filter((v): v is number => v !== null && Number.isFinite(v));
  return {
    profile: p,
    runs: runs.length,
    failed,
    nodeLs: stat(nums((r) => r.nodeLsMs)),
    raftLeader: stat(nums((r) => r.raftLeaderMs)),
    electionTimeout: stat(nums((r) => r.electionTimeoutMs)),
    serveAfterLeader: stat(nums((r) => (r.raftLeaderMs === null ? null : r.nodeLsMs - r.raftLeaderMs))),
    callAtKill: (() => {
      const all = runs.flatMap((r) => r.callAtKill.map((c) => ({ c, killed: r.killed })));
      const good = all.filter(({ c, killed }) => c.leader !== undefined && c.leader !== killed).map(({ c }) => c.ms);
      return { ok: good.length, calls: all.length, ...stat(good) };
    })(),
  };
}

function table(summaries: ProfileSummary[], runs: FailoverRun[]): string {
  const header = [
    "profile",
    "runs",
    "node ls p50 ms",
    "node ls max ms",
    "raft leader p50 ms",
    "raft leader max ms",
    "election timeout p50 ms",
    "ls after leader p50 ms",
    "call at kill ok",
    "call at kill p50 ms",
  ];
  const rows = summaries.map((s) => [
    s.profile,
    s.failed > 0 ? `${s.runs} (+${s.failed} failed)` : String(s.runs),
    fmt(s.nodeLs.p50Ms),
    fmt(s.nodeLs.maxMs),
    fmt(s.raftLeader.p50Ms),
    fmt(s.raftLeader.maxMs),
    fmt(s.electionTimeout.p50Ms),
    fmt(s.serveAfterLeader.p50Ms),
    `${s.callAtKill.ok}/${s.callAtKill.calls}`,
    fmt(s.callAtKill.p50Ms),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padStart(widths[i]!)).join("  ");
  const out = [line(header), ...rows.map(line), ""];
  for (const s of summaries) {
    const mine = runs.filter((r) => r.profile === s.profile);
    out.push(`${s.profile} node ls ms, per run:     ${mine.map((r) => fmt(r.nodeLsMs)).join(" ")}`);
    out.push(`${s.profile} raft leader ms, per run: ${mine.map((r) => fmt(r.raftLeaderMs)).join(" ")}`);
    const atKill = (r: FailoverRun) =>
      r.callAtKill.map((c) => (c.leader !== undefined && c.leader !== r.killed ? fmt(c.ms) : "err")).join("/");
    out.push(`${s.profile} call at kill ms, per run: ${mine.map(atKill).join(" ")}`);
  }
  return out.join("\n");
}

async function main(): Promise<number> {
  let args: FailoverArgs;
  try {
    args = parseFailoverArgs(process.argv.slice(2));
  } catch (e) {
    console.error(`${msgOf(e)}\n${USAGE}`);
    return 2;
  }
  const onSignal = () => {
    log("interrupted: stopping everything");
    void (activeCleanup?.run() ?? Promise.resolve()).finally(() => process.exit(130));
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);

  const loadStart = loadavg();
  const runs: FailoverRun[] = [];
  const failures: { profile: ProfileName; run: number; error: string }[] = [];
  for (const p of args.profiles) {
    for (let i = 1; i <= args.runs; i++) {
      try {
        const r = await runOne(p, i, args);
        runs.push(r);
        log(
          `${p} run ${i}/${args.runs}: killed ${r.killed}; node ls on ${r.nodeLsVia} names ${r.newLeader} after ` +
            `${fmt(r.nodeLsMs)} ms; raft leader ${r.raftLeader ?? "-"} after ${fmt(r.raftLeaderMs)} ms ` +
            `(election timeout ${fmt(r.electionTimeoutMs)} ms; setup ${r.setupSeconds.toFixed(1)} s)`,
        );
      } catch (e) {
        failures.push({ profile: p, run: i, error: msgOf(e) });
        log(`${p} run ${i} failed: ${msgOf(e)}`);
      }
    }
  }
  const summaries = args.profiles.map((p) =>
    summarize(
      p,
      runs.filter((r) => r.profile === p),
      failures.filter((f) => f.profile === p).length,
    ),
  );
  mkdirSync(resultsDir, { recursive: true });
  const file = join(resultsDir, `failover-${new Date().toISOString().replace(/[:.]/g, "-")}.json`);
  const machine = {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? "",
    memBytes: totalmem(),
    node: process.version,
  };
  writeFileSync(
    file,
    `${JSON.stringify(
      {
        command: process.argv.slice(2),
        args,
        machine,
        loadavg: { start: loadStart, end: loadavg() },
        summaries,
        failures,
        runs,
      },
      null,
      2,
    )}\n`,
  );
  console.log(
    `\nfailover benchmark: 3 managers, SIGKILL the leader; node.ls to each survivor every ${args.pollIntervalMs} ms (${args.callTimeoutMs} ms per call)\n`,
  );
  console.log(table(summaries, runs));
  for (const f of failures) console.log(`${f.profile} run ${f.run} failed: ${f.error}`);
  console.log(`\nresults: ${file}`);
  return failures.length > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
