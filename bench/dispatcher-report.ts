import type { RampLatency, WindowStats } from "./load-protocol.ts";
import type { ProcessWindowStats } from "./proc-stats.ts";

/**
 * What one dispatcher benchmark run (one checkout, one N) found, and the
 * tables printed from it: every run, then, with --before, each N's after
 * against its before.
 */
export type Phase = "ramp" | "settle" | "window" | "teardown";

export interface DownEvent {
  nodeId: string;
  phase: Phase;
  from: string | null;
  state: string;
  time: string;
}

/** Which checkout ran: "before" (--before DIR), "after" (this one, beside a before), "this" (this one alone). */
export type Side = "before" | "after" | "this";

export interface RunResult {
  side: Side;
  /** 1-based; with --before, odd rounds ran before first, even rounds after first. */
  round: number;
  checkout: string;
  /** How the simulated agents reached the Dispatcher (TRANSPORT of that checkout's bench/support/agent-channel.ts). */
  transport: string;
  nodes: number;
  profile: string;
  /** 0: one channel per agent; N: a shared pool of N. */
  channels: number;
  durationSec: number;
  /** The machine's load average (1/5/15 min) at the start and the end of the window: it is shared. */
  loadAverage: { windowStart: string; windowEnd: string };
  /** Files (sockets included) each process held open when the window started: ~N for both with one channel per agent. */
  openFiles: { manager: number | null; load: number | null };
  rampSeconds: number;
  /** Per agent during ramp-up: the NodeCA join, session → registration, join request → node READY. */
  join: RampLatency;
  register: RampLatency;
  joinToReady: RampLatency;
  /** Sessions that broke during ramp-up (the manager fell behind), by cause. */
  rampSessionEnds: number;
  rampErrors: Record<string, number>;
  manager: ProcessWindowStats;
  load: ProcessWindowStats;
  window: WindowStats;
  /** liveness-* actors that went DOWN while every agent was alive (ramp-up, settle and window). */
  falseDown: { total: number; window: number; events: DownEvent[] };
  /** node ls at the end of the window, before agents stop: how many nodes are in each state. */
  nodeLs: ({ byState: Record<string, number> } | { error: string }) & { ms: number };
  /** liveness-* actors seen entering READY on the events stream (N + the manager's own node): the DOWN counter's feed works. */
  livenessReadySeen: number;
  /** After the window: all agents stopped, how many of their nodes the manager then marked DOWN (should be all). */
  downCheck?: { agentsStopped: number; wentDown: number; seconds: number };
  stateDir?: string;
  /** With --cpu-prof: the manager's profile and the window's bounds in it (CLOCK_MONOTONIC µs, as its samples). */
  cpuProfile?: { file: string; windowStartUs: number; windowEndUs: number };
}

const fmt = (v: number | null | undefined, digits = 1): string =>
  v === null || v === undefined || Number.isNaN(v) ? "-" : v.toFixed(digits);

function notReady(r: RunResult): string {
  if ("error" in r.nodeLs) return "n/a";
  return String(Object.entries(r.nodeLs.byState).reduce((sum, [s, c]) => (s === "ready" ? sum : sum + c), 0));
}

/** Manager CPU per heartbeat answered in the window, in µs: the heartbeat path's cost, whatever the N. */
export const cpuPerHeartbeatUs = (r: RunResult): number =>
  r.window.heartbeatsOk > 0 ? (r.manager.cpuSeconds / r.window.heartbeatsOk) * 1e6 : Number.NaN;

function render(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padStart(widths[i]!)).join("  ");
  return [line(header), ...rows.map(line)].join("\n");
}

export function table(results: RunResult[]): string {
  const header = [
    "side",
    "round",
    "nodes",
    "mgr CPU %",
    "mgr CPU µs/HB",
    "mgr RSS max MB",
    "join→Ready p50 ms",
    "join→Ready p95 ms",
    "HB p50 ms",
    "HB p99 ms",
    "HB max ms",
    "HBs",
    "HB errors",
    "session restarts",
    "false DOWN (window/all)",
    "not ready at end",
    "node ls ms",
    "load CPU %",
    "ramp s",
    "ramp breaks",
    "down check",
    "open files mgr/load",
    "load avg (window start)",
  ];
  const rows = results.map((r) => [
    r.side,
    String(r.round),
    String(r.nodes),
    fmt(r.manager.cpuPercent),
    fmt(cpuPerHeartbeatUs(r), 0),
    fmt(r.manager.rssMaxBytes / 2 ** 20),
    fmt(r.joinToReady.p50Ms, 0),
    fmt(r.joinToReady.p95Ms, 0),
    fmt(r.window.heartbeat.p50Ms, 2),
    fmt(r.window.heartbeat.p99Ms, 2),
    fmt(r.window.heartbeat.maxMs, 2),
    String(r.window.heartbeatsOk),
    String(r.window.heartbeatsFailed),
    String(r.window.sessionRestarts),
    `${r.falseDown.window}/${r.falseDown.total}`,
    notReady(r),
    fmt(r.nodeLs.ms, 0),
    fmt(r.load.cpuPercent),
    fmt(r.rampSeconds),
    String(r.rampSessionEnds),
    r.downCheck ? `${r.downCheck.wentDown}/${r.downCheck.agentsStopped}` : "-",
    `${r.openFiles.manager ?? "-"}/${r.openFiles.load ?? "-"}`,
    r.loadAverage.windowStart,
  ]);
  return render(header, rows);
}

/** (after − before) / before, as a signed percentage. */
const relative = (before: number | null, after: number | null): string => {
  if (before === null || after === null || !Number.isFinite(before) || !Number.isFinite(after) || before === 0)
    return "-";
  const d = ((after - before) / before) * 100;
  return `${d >= 0 ? "+" : ""}${d.toFixed(1)} %`;
};

/** The middle value (the mean of the two middle ones for an even count); null for none. */
function median(values: (number | null)[]): number | null {
  const v = values.filter((x): x is number => x !== null && Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return null;
  const mid = Math.floor(v.length / 2);
  return v.length % 2 === 1 ? v[mid]! : (v[mid - 1]! + v[mid]!) / 2;
}

/** Per N run on both sides: the headline figures before, after (medians over the rounds), and their relative difference. */
export function comparison(results: RunResult[]): string {
  const rows: string[][] = [];
  for (const n of [...new Set(results.map((r) => r.nodes))]) {
    const before = results.filter((r) => r.side === "before" && r.nodes === n);
    const after = results.filter((r) => r.side === "after" && r.nodes === n);
    if (before.length === 0 || after.length === 0) continue;
    const figures: [string, (r: RunResult) => number | null, number][] = [
      ["mgr CPU % (heartbeat path, window)", (r) => r.manager.cpuPercent, 1],
      ["mgr CPU µs per heartbeat", cpuPerHeartbeatUs, 0],
      ["mgr RSS max MB", (r) => r.manager.rssMaxBytes / 2 ** 20, 0],
      ["join→Ready p50 ms", (r) => r.joinToReady.p50Ms, 0],
      ["join→Ready p95 ms", (r) => r.joinToReady.p95Ms, 0],
      ["join (NodeCA) p50 ms", (r) => r.join.p50Ms, 0],
      ["heartbeat RTT p50 ms", (r) => r.window.heartbeat.p50Ms, 2],
      ["heartbeat RTT p99 ms", (r) => r.window.heartbeat.p99Ms, 2],
      ["load process CPU %", (r) => r.load.cpuPercent, 1],
    ];
    for (const [name, get, digits] of figures) {
      const b = median(before.map(get));
      const a = median(after.map(get));
      rows.push([`${n} (${before.length}/${after.length} runs)`, name, fmt(b, digits), fmt(a, digits), relative(b, a)]);
    }
  }
  if (rows.length === 0) return "";
  return render(["nodes", "figure", "before", "after", "after vs before"], rows);
}
