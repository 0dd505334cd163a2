// Soaks the Raft core in the deterministic simulation (test/raft/sim): runs
// seeds from --seed-start for --seconds and reports runs and failures; each
// failure prints its seed, step, what broke, a trace and how to replay it.
//   node --import tsx scripts/raft-soak.ts --seconds 300 --seed-start 100000
// With --broken <name> it runs a deliberately broken core instead (failures expected).
import { parseArgs } from "node:util";
import { CommitsPreviousTermCore, VotesForStaleLogsCore } from "../test/raft/sim/support/broken-cores.ts";
import { type CoreFactory, formatFailure, runBudget } from "../test/raft/sim/support/simulation.ts";

/** Deliberately broken cores, to check the checker (`--broken <name>`). */
const broken: Record<string, CoreFactory> = {
  "commits-previous-term": (cfg) => new CommitsPreviousTermCore(cfg),
  "votes-for-stale-logs": (cfg) => new VotesForStaleLogsCore(cfg),
};

const { values } = parseArgs({
  options: {
    seconds: { type: "string", default: "60" },
    "seed-start": { type: "string", default: String(Date.now() % 1_000_000_000) },
    "max-failures": { type: "string", default: "5" },
    broken: { type: "string" },
  },
});
const seconds = Number(values.seconds);
const seedStart = Number(values["seed-start"]);
const maxFailures = Number(values["max-failures"]);
const makeCore = values.broken === undefined ? undefined : broken[values.broken];
if (!Number.isFinite(seconds) || seconds <= 0 || !Number.isInteger(seedStart) || (values.broken && !makeCore)) {
  console.error(
    `usage: raft-soak.ts [--seconds N] [--seed-start N] [--max-failures N] [--broken ${Object.keys(broken).join("|")}]`,
  );
  process.exit(2);
}

let runs = 0;
let failed = 0;
let seed = seedStart;
const deadline = performance.now() + seconds * 1000;
while (performance.now() < deadline && failed < maxFailures) {
  const chunk = runBudget({
    seedStart: seed,
    budgetMs: Math.min(5000, deadline - performance.now()),
    ...(makeCore ? { makeCore } : {}),
  });
  runs += chunk.runs;
  seed += chunk.runs;
  for (const f of chunk.failures) {
    failed++;
    console.log(formatFailure(f));
  }
  console.log(`… ${runs} runs, ${failed} failures (seeds ${seedStart}..${seed - 1})`);
}
console.log(`raft soak: ${runs} runs, ${failed} failures, seeds ${seedStart}..${seed - 1}`);
process.exit(failed > 0 ? 1 : 0);
