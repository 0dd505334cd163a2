// Crashes the Raft storage on a disk that keeps only what was fsync'd
// (test/raft/storage/support/crash-fs.ts), seed after seed, for --seconds; reports runs,
// crashes, acknowledged saves and the first failures (each names its seed and
// round: rerun it with --seed-start <seed> --seconds 0).
//   node --import tsx scripts/wal-crash-soak.ts --seconds 600 --seed-start 1000
import { parseArgs } from "node:util";
import { crashRun } from "../test/raft/storage/support/crash-workload.ts";

const { values } = parseArgs({
  options: {
    seconds: { type: "string", default: "60" },
    "seed-start": { type: "string", default: String(Date.now() % 1_000_000_000) },
    rounds: { type: "string", default: "100" },
    "max-failures": { type: "string", default: "5" },
  },
});
const seconds = Number(values.seconds);
const seedStart = Number(values["seed-start"]);
const rounds = Number(values.rounds);
const maxFailures = Number(values["max-failures"]);
if (!Number.isFinite(seconds) || seconds < 0 || !Number.isInteger(seedStart) || !Number.isInteger(rounds)) {
  console.error("usage: wal-crash-soak.ts [--seconds N] [--seed-start N] [--rounds N] [--max-failures N]");
  process.exit(2);
}

let runs = 0;
let failed = 0;
let midWrite = 0;
let acknowledged = 0;
let tornTails = 0;
let unsyncedCommits = 0;
let commitWentBack = 0;
const deadline = performance.now() + seconds * 1000;
for (let seed = seedStart; failed < maxFailures && (runs === 0 || performance.now() < deadline); seed++) {
  runs++;
  try {
    const r = await crashRun(seed, rounds);
    midWrite += r.midWrite;
    acknowledged += r.acknowledged;
    tornTails += r.tornTails;
    unsyncedCommits += r.unsyncedCommits;
    commitWentBack += r.commitWentBack;
  } catch (e) {
    failed++;
    console.error((e as Error).message);
  }
}
console.log(
  JSON.stringify({
    runs,
    roundsPerRun: rounds,
    crashes: runs * rounds,
    midWrite,
    acknowledged,
    unsyncedCommits,
    commitWentBack,
    tornTails,
    failed,
  }),
);
process.exit(failed > 0 ? 1 : 0);
