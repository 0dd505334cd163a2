// Runs each uvu test file in its own process (a leaked handle in one file cannot
// hang the others), two at a time, each under a time bound, and prints the
// totals as "N passed, N failed" — uvu itself prints no such line.
import { spawn } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";

const FILE_TIMEOUT_MS = Number(process.env.SWARMBUS_TEST_FILE_TIMEOUT_MS ?? 300_000);
const CONCURRENCY = Number(process.env.SWARMBUS_TEST_CONCURRENCY ?? 2);
/** A failed file is run again this many times (0 to see every flake as a failure). */
const RETRIES = Number(process.env.SWARMBUS_TEST_RETRIES ?? 1);
const flaky: string[] = [];
const root = process.cwd();
const filters = process.argv.slice(2);

function find(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return find(p);
    return name.endsWith(".test.ts") ? [p] : [];
  });
}

const files = find(join(root, "test"))
  .map((f) => relative(root, f))
  .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
  .sort();

interface Result {
  file: string;
  passed: number;
  failed: number;
  output: string;
  ms: number;
}

function killGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, "SIGKILL");
  } catch {
    // Nothing left in the group.
  }
}

function runOne(file: string): Promise<Result> {
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--import", "tsx", "--import", "./test/support/uvu-hooks.ts", file], {
      cwd: root,
      env: { ...process.env, FORCE_COLOR: "0" },
      stdio: ["ignore", "pipe", "pipe"],
      // Its own process group: whatever the file started (daemons, nats-server) goes with it.
      detached: true,
    });
    let output = "";
    child.stdout.on("data", (d) => {
      output += d;
    });
    child.stderr.on("data", (d) => {
      output += d;
    });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup(child.pid);
    }, FILE_TIMEOUT_MS);
    // A file killed, or failed in a before hook (uvu runs no after hook then), leaves its daemons
    // running: they would load the machine for every later file.
    child.on("exit", () => killGroup(child.pid));
    child.on("close", (code) => {
      clearTimeout(timer);
      const total = Number(/Total:\s+(\d+)/.exec(output)?.[1] ?? 0);
      const passed = Number(/Passed:\s+(\d+)/.exec(output)?.[1] ?? 0);
      let failed = total - passed;
      if ((code !== 0 || timedOut) && failed === 0) failed = 1;
      if (timedOut) output += `\n(killed after ${FILE_TIMEOUT_MS} ms)\n`;
      resolve({ file, passed, failed, output, ms: Date.now() - started });
    });
  });
}

const results: Result[] = [];
let next = 0;
async function worker(): Promise<void> {
  while (next < files.length) {
    const file = files[next++]!;
    let r = await runOne(file);
    if (r.failed && RETRIES > 0) {
      // Timing-bound end-to-end files can lose a race on a loaded 2-core machine: say so loudly, run the
      // file once more, and count the second run. A file that is really broken fails both times.
      console.log(`FLAKY? ${r.file} failed (${r.passed} passed, ${r.failed} failed); running it once more. First run:`);
      console.log(r.output.replace(/^/gm, "    | "));
      flaky.push(r.file);
      r = await runOne(file);
    }
    results.push(r);
    const mark = r.failed ? "FAIL" : "ok  ";
    console.log(`${mark} ${r.file} (${r.passed} passed, ${r.failed} failed, ${(r.ms / 1000).toFixed(1)} s)`);
    if (r.failed) console.log(r.output.replace(/^/gm, "    | "));
  }
}
await Promise.all(Array.from({ length: Math.max(1, CONCURRENCY) }, worker));

const passed = results.reduce((a, r) => a + r.passed, 0);
const failed = results.reduce((a, r) => a + r.failed, 0);
if (flaky.length > 0) console.log(`flaky (failed once, run again): ${flaky.join(", ")}`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 || files.length === 0 ? 1 : 0);
