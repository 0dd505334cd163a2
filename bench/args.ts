import { existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { parseArgs } from "node:util";

/** The benchmark's flags, checked: a bad flag stops the run before anything starts. */
export interface BenchArgs {
  nodes: number[];
  durationSec: number;
  profile: "swarm" | "fast";
  /** 0 (default): one gRPC channel (TCP connection) per agent, as real agents; N: the agents share N channels (plaintext only). */
  channels: number;
  joinConcurrency: number;
  batchSize: number;
  /** Seconds between the last registration and the window; default one longest heartbeat period. */
  settleSec: number | undefined;
  stateRoot: string;
  keep: boolean;
  /** Skip stopping the agents after the window to check that their nodes go DOWN. */
  skipDownCheck: boolean;
  /** Another built checkout: each N is run against its daemon and load process first, then against this one's. */
  before: string | undefined;
  /** Runs per N and checkout; with --before the order alternates (before first in odd rounds, after first in even ones). */
  rounds: number;
  /** Profile each manager daemon with `node --cpu-prof`, its .cpuprofile in this folder (see cpu-profile-window.ts). */
  cpuProfDir: string | undefined;
}

export const USAGE = `usage: npm run bench -- [--nodes 1000,5000] [--duration 120] [--profile swarm|fast]
       [--channels N] [--join-concurrency 4] [--batch 250] [--settle SECONDS]
       [--state-root DIR] [--keep] [--skip-down-check] [--before CHECKOUT] [--rounds 1]
       [--cpu-prof DIR]
  --channels 0 (default): every simulated agent has its own gRPC channel; N: they share N (plaintext only)
  --before CHECKOUT: the same runs against another built checkout's daemon and load process first, then this one's
  --rounds R: R runs per N and checkout (with --before, alternating which goes first); the comparison takes medians
  --cpu-prof DIR: the manager daemon runs with node --cpu-prof, its profile in DIR (the window's bounds in the JSON)`;

function positiveInt(v: string, flag: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0)
    throw new Error(`--${flag}: expected a positive integer, got ${JSON.stringify(v)}`);
  return n;
}

export function parseBenchArgs(argv: string[]): BenchArgs {
  const { values } = parseArgs({
    args: argv,
    options: {
      nodes: { type: "string", default: "1000,5000" },
      duration: { type: "string", default: "120" },
      profile: { type: "string", default: "swarm" },
      channels: { type: "string", default: "0" },
      "join-concurrency": { type: "string", default: "4" },
      batch: { type: "string", default: "250" },
      settle: { type: "string" },
      "state-root": { type: "string" },
      keep: { type: "boolean", default: false },
      "skip-down-check": { type: "boolean", default: false },
      before: { type: "string" },
      rounds: { type: "string", default: "1" },
      "cpu-prof": { type: "string" },
      help: { type: "boolean", default: false },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const nodes = values.nodes.split(",").map((s) => positiveInt(s.trim(), "nodes"));
  if (values.profile !== "swarm" && values.profile !== "fast") {
    throw new Error(`--profile: expected swarm or fast, got ${JSON.stringify(values.profile)}`);
  }
  const settle = values.settle === undefined ? undefined : Number(values.settle);
  if (settle !== undefined && !(Number.isFinite(settle) && settle >= 0))
    throw new Error("--settle: expected seconds >= 0");
  const channels = Number(values.channels);
  if (!Number.isInteger(channels) || channels < 0) throw new Error("--channels: expected an integer >= 0");
  return {
    nodes,
    durationSec: positiveInt(values.duration, "duration"),
    profile: values.profile,
    channels,
    joinConcurrency: positiveInt(values["join-concurrency"], "join-concurrency"),
    batchSize: positiveInt(values.batch, "batch"),
    settleSec: settle,
    // tmpfs by default: the store snapshot is fsynced on every write during ramp-up, which is not what is measured.
    stateRoot: values["state-root"] ?? (existsSync("/dev/shm") ? "/dev/shm" : tmpdir()),
    keep: values.keep,
    skipDownCheck: values["skip-down-check"],
    before: values.before,
    rounds: positiveInt(values.rounds, "rounds"),
    cpuProfDir: values["cpu-prof"],
  };
}
