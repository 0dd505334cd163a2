/**
 * How long a `swarmbus` command takes from exec to exit, before and after the
 * build: "before" is a checkout given with --before (its own bin/swarmbus.js,
 * e.g. the commit before `npm run build` existed) or, without one, this
 * checkout's sources through tsx (SWARMBUS_TSX=1); "after" is the JavaScript
 * in dist/. Each is started as `node bin/swarmbus.js …` and as `npx swarmbus …`. Commands: `--version` (no
 * I/O) and `--node m1 info` against a real daemon (nats-server on a free port,
 * one `swarmbus daemon` with an initialized swarm). Variants are interleaved
 * round by round so a change in the machine's load hits them all alike.
 *
 *   npm run build && node --import tsx bench/cli-startup.bench.ts [--rounds 10] [--before DIR]
 *
 * A --before checkout: see BEFORE_HOWTO in support/checkout.ts.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { connectBus } from "../src/bus/connection.ts";
import { callDaemon } from "../src/bus/daemon-client.ts";
import { startNatsServer } from "../src/bus/nats-server.ts";
import { busArgs, cliCommand, repoRoot } from "../src/process/cli-command.ts";
import { spawnDaemon } from "../src/process/daemon-process.ts";
import { percentile } from "./percentile.ts";
import { beforeCheckout, loadAverage } from "./support/checkout.ts";
import { freePort, until } from "./support/wait.ts";

const { values } = parseArgs({
  options: { rounds: { type: "string", default: "10" }, before: { type: "string" } },
});
const rounds = Number(values.rounds);
if (!Number.isInteger(rounds) || rounds <= 0) throw new Error(`--rounds: expected a positive integer`);

interface Variant {
  name: string;
  command: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  cwd: string;
}

const after = { ...process.env, SWARMBUS_TSX: undefined };
const beforeEnv = values.before ? after : { ...process.env, SWARMBUS_TSX: "1" };
const beforeDir = values.before ? await beforeCheckout(values.before) : repoRoot;
const node = cliCommand();
const npx = { command: "npx", args: ["--no-install", "swarmbus"] };
const beforeBin = join(beforeDir, "bin", "swarmbus.js");
const variants: Variant[] = [
  { name: "node bin/swarmbus.js  before", command: node.command, args: [beforeBin], env: beforeEnv, cwd: beforeDir },
  { name: "node bin/swarmbus.js  after", ...node, env: after, cwd: repoRoot },
  { name: "npx swarmbus          before", ...npx, env: beforeEnv, cwd: beforeDir },
  { name: "npx swarmbus          after", ...npx, env: after, cwd: repoRoot },
];

/** Wall-clock milliseconds from spawn to exit; a failed command stops the benchmark. */
function timeRun(v: Variant, cliArgs: string[]): Promise<number> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(v.command, [...v.args, ...cliArgs], {
      cwd: v.cwd,
      env: v.env,
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (d) => {
      stderr += d;
    });
    child.once("error", reject);
    child.once("close", (code) => {
      if (code === 0) resolve(performance.now() - started);
      else reject(new Error(`${v.name} ${cliArgs.join(" ")} exited ${code}: ${stderr.trim()}`));
    });
  });
}

const stateDir = mkdtempSync(join(tmpdir(), "swarmbus-cli-startup-"));
const nats = await startNatsServer();
const daemon = spawnDaemon({
  name: "m1",
  stateDir: join(stateDir, "m1"),
  natsUrl: nats.url,
  natsCreds: await nats.credsForNode("m1"),
  listenAddr: `127.0.0.1:${await freePort()}`,
  logFile: join(stateDir, "m1.log"),
});
try {
  const nc = await connectBus(nats, "swarmbus-cli-startup");
  await until(() => callDaemon(nc, "m1", "info", {}, { timeoutMs: 2000 }), 60_000, "the daemon to answer info");
  await callDaemon(nc, "m1", "init", { listenAddr: daemon.options.listenAddr }, { timeoutMs: 60_000 });
  await nc.close();

  const commands = [["--version"], [...busArgs(nats), "--node", "m1", "info"]];
  const samples = new Map<string, number[]>();
  const loadBefore = loadAverage();
  console.log(`before: ${values.before ? beforeBin : "SWARMBUS_TSX=1 (these sources through tsx)"}`);
  // One untimed run of each, so the first timed one does not pay for cold file caches.
  for (const v of variants) for (const c of commands) await timeRun(v, c);
  for (let r = 0; r < rounds; r++) {
    for (const c of commands) {
      for (const v of variants) {
        const key = `${v.name.padEnd(29)} ${c.at(-1)}`;
        const ms = await timeRun(v, c);
        samples.set(key, [...(samples.get(key) ?? []), ms]);
      }
    }
  }
  console.log(`${rounds} rounds; load average (1/5/15 min) before: ${loadBefore}, after: ${loadAverage()}`);
  console.log(`${"variant".padEnd(46)} ${"p50 ms".padStart(8)} ${"min ms".padStart(8)}`);
  for (const [key, ms] of samples) {
    console.log(
      `${key.padEnd(46)} ${percentile(ms, 50).toFixed(0).padStart(8)} ${Math.min(...ms)
        .toFixed(0)
        .padStart(8)}`,
    );
  }
} finally {
  await daemon.stop();
  await nats.stop();
  rmSync(stateDir, { recursive: true, force: true });
}
