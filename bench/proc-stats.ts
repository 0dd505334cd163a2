import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";

/**
 * CPU and memory of one process from /proc (Linux): utime+stime in clock ticks
 * from /proc/<pid>/stat, VmRSS from /proc/<pid>/status.
 */
let clockTicks: number | undefined;

/** sysconf(_SC_CLK_TCK), via getconf; 100 on every usual Linux. */
export function clockTicksPerSecond(): number {
  if (clockTicks !== undefined) return clockTicks;
  try {
    const n = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim());
    clockTicks = Number.isFinite(n) && n > 0 ? n : 100;
  } catch {
    clockTicks = 100;
  }
  return clockTicks;
}

/** utime+stime of `pid` in seconds, or undefined if the process is gone. */
export function cpuSeconds(pid: number): number | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    return undefined;
  }
  // The command name (field 2) is in parentheses and may hold spaces: split after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  // fields[0] is field 3 (state); utime is field 14, stime field 15.
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  if (!Number.isFinite(utime) || !Number.isFinite(stime)) return undefined;
  return (utime + stime) / clockTicksPerSecond();
}

/** VmRSS of `pid` in bytes, or undefined if the process is gone. */
export function rssBytes(pid: number): number | undefined {
  let status: string;
  try {
    status = readFileSync(`/proc/${pid}/status`, "utf8");
  } catch {
    return undefined;
  }
  const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
  return m ? Number(m[1]) * 1024 : undefined;
}

export interface ProcessWindowStats {
  pid: number;
  /** utime+stime over the window / wall time of the window, in % of one core. */
  cpuPercent: number;
  cpuSeconds: number;
  wallSeconds: number;
  rssMaxBytes: number;
  rssSamples: number;
}

/** Samples one process over a window: CPU at both ends, RSS every `intervalMs` (max kept). */
export class ProcessSampler {
  private startCpu: number | undefined;
  private startWall = 0;
  private rssMax = 0;
  private samples = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    readonly pid: number,
    private readonly intervalMs = 1000,
  ) {}

  start(): void {
    this.startCpu = cpuSeconds(this.pid);
    this.startWall = performance.now();
    this.sample();
    this.timer = setInterval(() => this.sample(), this.intervalMs);
  }

  private sample(): void {
    const rss = rssBytes(this.pid);
    if (rss === undefined) return;
    this.samples++;
    if (rss > this.rssMax) this.rssMax = rss;
  }

  stop(): ProcessWindowStats {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.sample();
    const endCpu = cpuSeconds(this.pid);
    const wallSeconds = (performance.now() - this.startWall) / 1000;
    const used = this.startCpu !== undefined && endCpu !== undefined ? endCpu - this.startCpu : Number.NaN;
    return {
      pid: this.pid,
      cpuPercent: wallSeconds > 0 ? (used / wallSeconds) * 100 : Number.NaN,
      cpuSeconds: used,
      wallSeconds,
      rssMaxBytes: this.rssMax,
      rssSamples: this.samples,
    };
  }
}
