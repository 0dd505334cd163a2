/**
 * Raft storage micro-benchmark: how fast the WAL acknowledges fdatasync'd
 * saves of 128-byte entries, with 1 and with 64 concurrent writers (group
 * commit coalesces the latter into shared writes + fdatasyncs).
 *
 *   node --import tsx bench/raft-storage.bench.ts [--writers 1,64] [--duration 5] [--dir /path/on/the/disk] [--vs-clear]
 *
 * Sealed with a DEK, as a manager's WAL is; --vs-clear also runs every case in
 * clear, right after, and prints the CPU each entry cost in both.
 *
 * The WAL lives in a temp dir under --dir (default: the OS temp dir); put it on
 * the disk you want to measure (not tmpfs, where fdatasync costs nothing).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { generateDek, RaftStorage } from "../src/raft/storage/index.ts";
import type { Entry } from "../src/raft/types.ts";
import { summarize } from "./percentile.ts";

const { values } = parseArgs({
  options: {
    writers: { type: "string", default: "1,64" },
    duration: { type: "string", default: "5" },
    dir: { type: "string", default: tmpdir() },
    "entry-bytes": { type: "string", default: "128" },
    "vs-clear": { type: "boolean", default: false },
  },
});
const writerCounts = values.writers.split(",").map(Number);
const durationMs = Number(values.duration) * 1000;
const entryBytes = Number(values["entry-bytes"]);
if (writerCounts.some((n) => !Number.isInteger(n) || n <= 0) || !(durationMs > 0) || !(entryBytes >= 0)) {
  console.error("usage: raft-storage.bench.ts [--writers 1,64] [--duration SECONDS] [--dir DIR] [--entry-bytes 128]");
  process.exit(2);
}

interface RunResult {
  writers: number;
  sealed: boolean;
  entries: number;
  entriesPerSec: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  fdatasyncs: number;
  entriesPerSync: number;
  /** CPU (this process, all threads) per acknowledged entry. */
  cpuUsPerEntry: number;
}

async function run(writers: number, sealed: boolean): Promise<RunResult> {
  const root = mkdtempSync(join(values.dir, "swarmbus-raft-bench-"));
  try {
    const { storage } = await RaftStorage.open(join(root, "raft"), sealed ? { dek: generateDek() } : {});
    await storage.create({ raftId: "1", clusterId: "bench", nodeId: "bench" });
    const data = new Uint8Array(entryBytes).fill(7);
    const latencies: number[] = [];
    let next = 1;
    const cpu0 = process.cpuUsage();
    const started = performance.now();
    const deadline = started + durationMs;
    const writer = async () => {
      while (performance.now() < deadline) {
        const e: Entry = { index: next++, term: 1, type: "normal", data };
        const t0 = performance.now();
        await storage.save(undefined, [e]);
        latencies.push(performance.now() - t0);
      }
    };
    await Promise.all(Array.from({ length: writers }, writer));
    const elapsedSec = (performance.now() - started) / 1000;
    const cpu = process.cpuUsage(cpu0);
    const { syncs } = storage.stats();
    await storage.close();
    const s = summarize(latencies);
    const r2 = (x: number) => Math.round(x * 100) / 100;
    return {
      writers,
      sealed,
      entries: latencies.length,
      entriesPerSec: Math.round(latencies.length / elapsedSec),
      p50Ms: r2(s.p50Ms),
      p99Ms: r2(s.p99Ms),
      maxMs: r2(s.maxMs),
      fdatasyncs: syncs,
      entriesPerSync: r2(latencies.length / syncs),
      cpuUsPerEntry: r2((cpu.user + cpu.system) / latencies.length),
    };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

console.log(
  `raft storage: ${entryBytes}-byte entries, fdatasync'd saves, ${durationMs / 1000} s per run, in ${values.dir}`,
);
const results: RunResult[] = [];
for (const w of writerCounts) {
  results.push(await run(w, true));
  if (values["vs-clear"]) results.push(await run(w, false));
}
console.table(results);
