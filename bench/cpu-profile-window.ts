/**
 * Where the manager spent its CPU in a dispatcher benchmark's window: reads
 * the JSON of a run made with `--cpu-prof DIR`, keeps each daemon profile's
 * samples inside that run's window, and prints self time per function and per
 * area (grpc-js, http2, TLS, ours, GC, …) in µs per heartbeat answered, so a
 * TLS run and a plaintext run compare function by function.
 *
 *   node --import tsx bench/cpu-profile-window.ts bench/results/dispatcher-….json [--top 25]
 *   # one profile, all of it (e.g. while the run is still going):
 *   node --import tsx bench/cpu-profile-window.ts DIR/after-n1000-r1.cpuprofile --heartbeats 12000
 */
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { z } from "zod";

const CallFrame = z.object({ functionName: z.string(), url: z.string(), lineNumber: z.number() });
const CpuProfile = z.object({
  nodes: z.array(z.object({ id: z.number(), callFrame: CallFrame })),
  startTime: z.number(),
  samples: z.array(z.number()),
  timeDeltas: z.array(z.number()),
});
type CpuProfile = z.infer<typeof CpuProfile>;

const Run = z.object({
  side: z.string(),
  round: z.number(),
  nodes: z.number(),
  transport: z.string(),
  manager: z.object({ cpuSeconds: z.number() }),
  window: z.object({ heartbeatsOk: z.number() }),
  loadAverage: z.object({ windowStart: z.string(), windowEnd: z.string() }),
  cpuProfile: z.object({ file: z.string(), windowStartUs: z.number(), windowEndUs: z.number() }).optional(),
});
type Run = z.infer<typeof Run>;

/** The area a function belongs to, from its script URL: what a fix would have to touch. */
export function areaOf(functionName: string, url: string): string {
  if (url === "") {
    if (functionName === "(garbage collector)") return "GC";
    if (functionName === "(program)" || functionName === "(idle)" || functionName === "(root)") return functionName;
    return "native (C++ bindings: crypto, TLS records, sockets, …)";
  }
  if (url.includes("@grpc/grpc-js")) return "grpc-js";
  if (/node:(internal\/)?(_tls|tls)/.test(url) || url.includes("internal/tls")) return "node: tls";
  if (url.includes("internal/http2")) return "node: http2";
  if (url.includes("internal/streams") || url.includes("node:stream")) return "node: streams";
  if (url.includes("node:net") || url.includes("internal/stream_base")) return "node: net";
  if (url.includes("xstate")) return "xstate";
  if (url.includes("@nats-io")) return "nats";
  if (url.includes("node_modules")) return "other packages";
  if (url.startsWith("node:")) return "node: other";
  return "swarmbus";
}

interface Slice {
  /** µs of self time per function key, inside the window. */
  byFunction: Map<string, number>;
  byArea: Map<string, number>;
  totalUs: number;
  idleUs: number;
}

/** Self time inside [fromUs, toUs): each sample weighs the time until the next one. */
export function slice(profile: CpuProfile, fromUs: number, toUs: number): Slice {
  const frames = new Map(profile.nodes.map((n) => [n.id, n.callFrame]));
  const byFunction = new Map<string, number>();
  const byArea = new Map<string, number>();
  let totalUs = 0;
  let idleUs = 0;
  let t = profile.startTime;
  for (let i = 0; i < profile.samples.length; i++) {
    t += profile.timeDeltas[i] ?? 0;
    const weight = profile.timeDeltas[i + 1] ?? 0;
    if (t < fromUs || t >= toUs) continue;
    const f = frames.get(profile.samples[i] ?? -1);
    if (!f) continue;
    if (f.functionName === "(idle)") {
      idleUs += weight;
      continue;
    }
    const file = f.url.replace(/^.*\/(node_modules\/)/, "$1").replace(/^.*\/dist\//, "dist/");
    const key = `${f.functionName || "(anonymous)"} ${file}${f.url ? `:${f.lineNumber + 1}` : ""}`;
    byFunction.set(key, (byFunction.get(key) ?? 0) + weight);
    const area = areaOf(f.functionName, f.url);
    byArea.set(area, (byArea.get(area) ?? 0) + weight);
    totalUs += weight;
  }
  return { byFunction, byArea, totalUs, idleUs };
}

const sorted = (m: Map<string, number>) => [...m.entries()].sort((a, b) => b[1] - a[1]);

function report(run: Run, s: Slice, top: number): string {
  const hb = run.window.heartbeatsOk;
  const perHb = (us: number) => (hb > 0 ? (us / hb).toFixed(1) : "-");
  const pct = (us: number) => ((100 * us) / s.totalUs).toFixed(1);
  const lines = [
    `== ${run.side} round ${run.round}, N=${run.nodes} (${run.transport}); load average ${run.loadAverage.windowStart} → ${run.loadAverage.windowEnd}`,
    `   sampled busy time in the window ${(s.totalUs / 1e6).toFixed(2)} s (idle ${(s.idleUs / 1e6).toFixed(2)} s); ` +
      `/proc CPU ${run.manager.cpuSeconds.toFixed(2)} s; ${hb} heartbeats: ${perHb(s.totalUs)} µs per heartbeat sampled`,
    "   by area:                                              µs/HB   share",
    ...sorted(s.byArea).map(([a, us]) => `   ${a.padEnd(52)} ${perHb(us).padStart(7)}  ${pct(us).padStart(5)} %`),
    `   top ${top} functions by self time:`,
    ...sorted(s.byFunction)
      .slice(0, top)
      .map(([f, us]) => `   ${perHb(us).padStart(7)} µs/HB ${pct(us).padStart(5)} %  ${f}`),
  ];
  return lines.join("\n");
}

function main(): void {
  const { values, positionals } = parseArgs({
    options: { top: { type: "string", default: "25" }, heartbeats: { type: "string", default: "0" } },
    allowPositionals: true,
  });
  const file = positionals[0];
  if (!file) throw new Error("usage: cpu-profile-window.ts bench/results/dispatcher-….json [--top 25]");
  if (file.endsWith(".cpuprofile")) {
    const profile = CpuProfile.parse(JSON.parse(readFileSync(file, "utf8")));
    const s = slice(profile, Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY);
    const run: Run = {
      side: file,
      round: 0,
      nodes: 0,
      transport: "?",
      manager: { cpuSeconds: Number.NaN },
      window: { heartbeatsOk: Number(values.heartbeats) },
      loadAverage: { windowStart: "?", windowEnd: "?" },
    };
    console.log(report(run, s, Number(values.top)));
    return;
  }
  const results = z.object({ results: z.array(Run) }).parse(JSON.parse(readFileSync(file, "utf8"))).results;
  for (const run of results) {
    if (!run.cpuProfile) {
      console.log(`== ${run.side} round ${run.round}: no profile (run without --cpu-prof)`);
      continue;
    }
    const profile = CpuProfile.parse(JSON.parse(readFileSync(run.cpuProfile.file, "utf8")));
    const s = slice(profile, run.cpuProfile.windowStartUs, run.cpuProfile.windowEndUs);
    console.log(`${report(run, s, Number(values.top))}\n`);
  }
}

main();
