/**
 * The load process of the dispatcher benchmark: N simulated agents against
 * one manager. Forked by bench/dispatcher.bench.ts with an IPC channel and
 * its configuration (JSON) as the only argument; talks back with the
 * messages of load-protocol.ts. It never outlives its parent: when the IPC
 * channel closes, it stops every agent and exits.
 *
 *   ramp-up:  per agent, join through NodeCA with the worker token
 *             (requestNodeIdentity), open its own channel to the Dispatcher
 *             (support/agent-channel.ts; or one of a shared pool with
 *             --channels N), open its session, wait for its registration
 *             (joinConcurrency agents in flight), each step timed; after each
 *             batch, wait until no session broke for one heartbeat period
 *   window:   only heartbeats; RTTs and errors are recorded between
 *             window-start and window-end
 */

import { PerformanceObserver, constants as perfConstants } from "node:perf_hooks";
import { type JoinedIdentity, requestNodeIdentity } from "../src/ca/join.ts";
import { profile } from "../src/config/profile.ts";
import type { NodeDescription } from "../src/gen/docker/swarmkit/v1/NodeDescription.ts";
import { Code, toRpcError } from "../src/rpc/status.ts";
import { dispatcherPool } from "./channel-pool.ts";
import {
  type FromLoad,
  finiteOrNull,
  LoadConfig,
  type RampLatency,
  ToLoad,
  type WindowStats,
} from "./load-protocol.ts";
import { percentile, summarize } from "./percentile.ts";
import { type AgentObserver, errorKey, SimAgent } from "./sim-agent.ts";
import { SimTasks, type TaskObserver } from "./sim-tasks.ts";
import {
  type AgentChannel,
  agentCredentials,
  openAgentChannel,
  SHARED_CHANNELS_POSSIBLE,
  TRANSPORT,
} from "./support/agent-channel.ts";

function send(msg: FromLoad): void {
  if (process.connected) process.send?.(msg);
}

/** Runs `fn` over `items` with at most `limit` in flight; results in order. */
async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < items.length; i = next++) out[i] = await fn(items[i]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    p.finally(() => clearTimeout(timer)),
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
    }),
  ]);
}

/** Window statistics, recorded only while `on`. */
class WindowRecorder implements AgentObserver {
  on = false;
  private rtts: number[] = [];
  private ok = 0;
  private failed = 0;
  private restarts = 0;
  private errors = new Map<string, number>();
  private periodMin = Number.POSITIVE_INFINITY;
  private periodMax = Number.NEGATIVE_INFINITY;
  /** Every session end and its cause, ramp-up included (for the log). */
  totalSessionEnds = 0;
  readonly allErrors = new Map<string, number>();

  reset(): void {
    this.rtts = [];
    this.ok = 0;
    this.failed = 0;
    this.restarts = 0;
    this.errors.clear();
    this.periodMin = Number.POSITIVE_INFINITY;
    this.periodMax = Number.NEGATIVE_INFINITY;
  }

  heartbeatOk(rttMs: number, periodMs: number): void {
    if (!this.on) return;
    this.ok++;
    this.rtts.push(rttMs);
    if (periodMs < this.periodMin) this.periodMin = periodMs;
    if (periodMs > this.periodMax) this.periodMax = periodMs;
  }

  heartbeatFailed(): void {
    if (this.on) this.failed++;
  }

  sessionEnded(error: ReturnType<typeof toRpcError>): void {
    this.totalSessionEnds++;
    const k = errorKey(error);
    this.allErrors.set(k, (this.allErrors.get(k) ?? 0) + 1);
    if (!this.on) return;
    this.restarts++;
    this.errors.set(k, (this.errors.get(k) ?? 0) + 1);
  }

  stats(registeredAtEnd: number): WindowStats {
    const s = summarize(this.rtts);
    return {
      heartbeat: {
        count: s.count,
        p50Ms: finiteOrNull(s.p50Ms),
        p99Ms: finiteOrNull(s.p99Ms),
        maxMs: finiteOrNull(s.maxMs),
      },
      heartbeatsOk: this.ok,
      heartbeatsFailed: this.failed,
      errors: Object.fromEntries(this.errors),
      sessionRestarts: this.restarts,
      registeredAtEnd,
      periodMinMs: finiteOrNull(this.periodMin),
      periodMaxMs: finiteOrNull(this.periodMax),
    };
  }
}

function description(hostname: string): NodeDescription {
  return {
    hostname,
    platform: { architecture: "x86_64", os: "linux" },
    resources: { nano_cpus: "2000000000", memory_bytes: "2147483648" },
    engine: { engine_version: "swarmbus-bench", labels: {} },
  };
}

const rampLatency = (ms: readonly number[]): RampLatency => {
  const s = summarize(ms);
  return {
    count: s.count,
    p50Ms: finiteOrNull(s.p50Ms),
    p95Ms: finiteOrNull(percentile(ms, 95)),
    maxMs: finiteOrNull(s.maxMs),
  };
};

/** The agents' Dispatcher channels: one each (the default, as real agents), or a shared plaintext pool. */
function channelsFor(cfg: LoadConfig): { open(i: number, joined: JoinedIdentity): AgentChannel; close(): void } {
  if (cfg.channels === 0) {
    const open: AgentChannel[] = [];
    return {
      open: (_i, joined) => {
        const ch = openAgentChannel(cfg.addr, joined);
        open.push(ch);
        return ch;
      },
      close: () => {
        for (const ch of open) ch.close();
      },
    };
  }
  if (!SHARED_CHANNELS_POSSIBLE)
    throw new Error(`--channels ${cfg.channels}: agents cannot share channels with ${TRANSPORT}`);
  const pool = dispatcherPool(cfg.addr, cfg.channels);
  return {
    open: (i, joined) => ({ credentials: agentCredentials(joined), client: pool.client(i), close: () => {} }),
    close: () => pool.close(),
  };
}

/** Joins, retrying up to 10 times on transient codes (a busy manager answers Unavailable/DeadlineExceeded). */
async function join(cfg: LoadConfig, index: number, joinMs: number[]) {
  const tp = profile(cfg.profile);
  for (let attempt = 1; ; attempt++) {
    const t0 = performance.now();
    try {
      const issued = await requestNodeIdentity({ remoteAddr: cfg.addr, token: cfg.token, profile: tp });
      joinMs.push(performance.now() - t0);
      return issued;
    } catch (e) {
      const err = toRpcError(e);
      const transient = err.code === Code.Unavailable || err.code === Code.DeadlineExceeded;
      if (!transient || attempt >= 10) throw new Error(`join of agent ${index} failed: ${errorKey(err)}`);
      await new Promise((r) => setTimeout(r, 500 * attempt));
    }
  }
}

/** Task counts for the scheduling benchmark, sent to the parent at most every 100 ms while they change. */
class TaskCounter implements TaskObserver {
  private readonly assignedIds = new Set<string>();
  private readonly runningIds = new Set<string>();
  private errors = 0;
  private assignedAt = 0;
  private runningAt = 0;
  private readonly traffic = { messages: 0, changes: 0, reportCalls: 0, updates: 0, gcPauseMs: 0, majorGcs: 0 };
  /** From the first message with a task on: the GC pauses of this process there (its CPU varies run to run). */
  private gcWindow = false;
  private readonly gcObserver = new PerformanceObserver((list) => {
    if (!this.gcWindow) return;
    for (const e of list.getEntries()) {
      this.traffic.gcPauseMs += e.duration;
      const { detail } = e as { detail?: { kind?: number } };
      if (detail?.kind === perfConstants.NODE_PERFORMANCE_GC_MAJOR) {
        this.traffic.majorGcs++;
      }
    }
  });
  constructor() {
    this.gcObserver.observe({ entryTypes: ["gc"] });
  }
  private timer: NodeJS.Timeout | undefined;
  assigned(taskId: string): void {
    this.assignedIds.add(taskId);
    this.assignedAt = performance.timeOrigin + performance.now();
    this.schedule();
  }
  running(taskId: string): void {
    this.runningIds.add(taskId);
    this.runningAt = performance.timeOrigin + performance.now();
    this.schedule();
  }
  reportFailed(): void {
    this.errors++;
    this.schedule();
  }
  message(changes: number): void {
    if (changes > 0) this.gcWindow = true;
    this.traffic.messages++;
    this.traffic.changes += changes;
  }
  reportCall(updates: number): void {
    this.traffic.reportCalls++;
    this.traffic.updates += updates;
  }
  private schedule(): void {
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      send({
        type: "tasks",
        assigned: this.assignedIds.size,
        running: this.runningIds.size,
        reportErrors: this.errors,
        assignedAt: this.assignedAt,
        runningAt: this.runningAt,
        ...this.traffic,
      });
    }, 100);
  }
}

async function main(): Promise<void> {
  const cfg = LoadConfig.parse(JSON.parse(process.argv[2] ?? "null"));
  const tp = profile(cfg.profile);
  const channels = channelsFor(cfg);
  const recorder = new WindowRecorder();
  const agents: SimAgent[] = [];
  const executors: SimTasks[] = [];
  const taskCounter = new TaskCounter();
  let stopping = false;

  const shutdown = (code: number) => {
    if (stopping) return;
    stopping = true;
    for (const a of agents) a.stop();
    for (const t of executors) t.stop();
    channels.close();
    send({ type: "stopped" });
    // Let the IPC message flush, then leave even if a handle lingers.
    setTimeout(() => process.exit(code), 200).unref();
    if (process.connected) process.disconnect();
  };

  process.on("message", (raw: unknown) => {
    const parsed = ToLoad.safeParse(raw);
    if (!parsed.success) return;
    const msg = parsed.data;
    if (msg.type === "window-start") {
      recorder.reset();
      recorder.on = true;
    } else if (msg.type === "window-end") {
      recorder.on = false;
      const registered = agents.filter((a) => a.isRegistered()).length;
      send({ type: "window-stats", stats: recorder.stats(registered) });
    } else {
      shutdown(0);
    }
  });
  process.on("disconnect", () => shutdown(0));

  const t0 = performance.now();
  const joinMs: number[] = [];
  const registerMs: number[] = [];
  const joinToReadyMs: number[] = [];
  try {
    for (let start = 0; start < cfg.nodes && !stopping; start += cfg.batchSize) {
      const indexes = Array.from({ length: Math.min(cfg.batchSize, cfg.nodes - start) }, (_, k) => start + k);
      // Each agent: join, open its session, wait for its registration; joinConcurrency agents in flight,
      // so the manager never has more than a few registrations queued behind the heartbeats.
      await mapLimit(indexes, cfg.joinConcurrency, async (i) => {
        const j0 = performance.now();
        const joined = await join(cfg, i, joinMs);
        const channel = channels.open(i, joined);
        const executor = cfg.tasks
          ? new SimTasks(channel.client, channel.credentials, taskCounter, tp.dispatcherRpcTimeoutMs)
          : undefined;
        if (executor) executors.push(executor);
        const agent = new SimAgent(
          channel.client,
          channel.credentials,
          description(`${cfg.hostnamePrefix}-${i + 1}`),
          tp,
          recorder,
          cfg.assignments,
          executor ? (sessionId, msg) => executor.onAssignments(sessionId, msg) : undefined,
        );
        agents.push(agent);
        const r0 = performance.now();
        agent.start();
        await withTimeout(agent.firstRegistration, cfg.batchTimeoutMs, `agent ${i + 1} to register`);
        const ready = performance.now();
        registerMs.push(ready - r0);
        joinToReadyMs.push(ready - j0);
      });
      // Let the manager catch up before the next batch: no session may break for one heartbeat period.
      const quietMs = tp.heartbeatPeriodMs + tp.heartbeatEpsilonMs;
      const quietUntil = Date.now() + cfg.batchTimeoutMs;
      let ends = recorder.totalSessionEnds;
      let since = Date.now();
      while (Date.now() < quietUntil) {
        const all = agents.every((a) => a.isRegistered());
        if (recorder.totalSessionEnds !== ends || !all) {
          ends = recorder.totalSessionEnds;
          since = Date.now();
        } else if (Date.now() - since >= quietMs) break;
        await new Promise((r) => setTimeout(r, 200));
      }
      const registered = agents.filter((a) => a.isRegistered()).length;
      send({ type: "progress", joined: agents.length, registered });
      console.error(
        `[load ${new Date().toISOString().slice(11, 19)}] ${agents.length} joined, ${registered} registered now, ` +
          `join p50 ${percentile(joinMs, 50).toFixed(0)} ms, session ends so far ${recorder.totalSessionEnds}` +
          (recorder.allErrors.size > 0 ? ` ${JSON.stringify(Object.fromEntries(recorder.allErrors))}` : ""),
      );
    }
    // The ramp-up's garbage (every join's keys, CSRs and TLS handshakes) is collected now rather than by a
    // mark-compact in the measured window: one such pause was 850 ms, the whole of a slow run's difference.
    globalThis.gc?.();
    send({
      type: "registered",
      nodeIds: agents.map((a) => a.nodeId),
      rampSeconds: (performance.now() - t0) / 1000,
      transport: TRANSPORT,
      join: rampLatency(joinMs),
      register: rampLatency(registerMs),
      joinToReady: rampLatency(joinToReadyMs),
      rampSessionEnds: recorder.totalSessionEnds,
      rampErrors: Object.fromEntries(recorder.allErrors),
    });
  } catch (e) {
    send({ type: "failed", message: e instanceof Error ? e.message : String(e) });
    shutdown(1);
  }
}

if (!process.send) {
  console.error("bench/load-agents.ts is started by bench/dispatcher.bench.ts (it needs an IPC channel)");
  process.exit(2);
}
main().catch((e) => {
  send({ type: "failed", message: e instanceof Error ? (e.stack ?? e.message) : String(e) });
  process.exit(1);
});
