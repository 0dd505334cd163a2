import { existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { parseArgs } from "node:util";

/** The benchmark's flags, checked: a bad flag stops the run before anything starts. */
export interface BenchArgs {
  nodes: number[];
  durationSec: number;
  profile: "swarm" | "fast";
  /** gRPC channels of the load process; 0 = automatic (one per 500 agents, at least 4). */
  channels: number;
  joinConcurrency: number;
  batchSize: number;
  /** Seconds between the last registration and the window; default one longest heartbeat period. */
  settleSec: number | undefined;
  stateRoot: string;
  keep: boolean;
  /** Skip stopping the agents after the window to check that their nodes go DOWN. */
  skipDownCheck: boolean;
}

export const USAGE = `usage: npm run bench -- [--nodes 1000,5000] [--duration 120] [--profile swarm|fast]
       [--channels N] [--join-concurrency 4] [--batch 250] [--settle SECONDS]
       [--state-root DIR] [--keep] [--skip-down-check]`;

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
  };
}

export const autoChannels = (nodes: number): number => Math.max(4, Math.ceil(nodes / 500));
