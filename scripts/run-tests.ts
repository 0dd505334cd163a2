// Runs each uvu test file in its own process (a leaked handle in one file cannot
// hang the others), two at a time, each under a time bound, and prints the
// totals as "N passed, N failed" — uvu itself prints no such line.
//
// A failed file is a failure: nothing is rerun by default (a race lost 30 % of the time
// would pass a rerun 91 % of the time, and in a consensus system the lost races are the
// bugs). SWARMBUS_TEST_RERUN=N runs a failed file up to N more times, for a person hunting
// a flake, and says so loudly. A test that must tolerate timing is marked where it is
// written (test/support/flaky.ts); its tolerated failures are counted and listed here.
import { spawn } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { FLAKY_MARK } from "../test/support/flaky.ts";

const FILE_TIMEOUT_MS = Number(process.env.SWARMBUS_TEST_FILE_TIMEOUT_MS ?? 300_000);
const CONCURRENCY = Number(process.env.SWARMBUS_TEST_CONCURRENCY ?? 2);
/** A failed file is run again this many times: 0 unless asked for. */
const RERUNS = Number(process.env.SWARMBUS_TEST_RERUN ?? 0);
const rerun: string[] = [];
/** Tolerated failures of tests marked flaky(), by file. */
const tolerated: string[] = [];
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
    for (let n = 1; r.failed && n <= RERUNS; n++) {
      // Asked for (SWARMBUS_TEST_RERUN): the failed run is shown whole, the last run counts.
      console.log(`RERUN ${n}/${RERUNS} ${r.file} failed (${r.passed} passed, ${r.failed} failed). That run:`);
      console.log(r.output.replace(/^/gm, "    | "));
      rerun.push(r.file);
      r = await runOne(file);
    }
    // stdout and stderr share the output: uvu's dots may precede the mark on its line.
    for (const line of r.output.split("\n")) {
      const at = line.indexOf(FLAKY_MARK);
      if (at >= 0) tolerated.push(`${r.file}: ${line.slice(at)}`);
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
if (tolerated.length > 0) console.log(`tolerated by flaky() (reason given):\n  ${tolerated.join("\n  ")}`);
if (rerun.length > 0) console.log(`rerun after a failure (SWARMBUS_TEST_RERUN=${RERUNS}): ${rerun.join(", ")}`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 || files.length === 0 ? 1 : 0);
