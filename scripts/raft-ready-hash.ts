// One SHA-256 over everything the Raft core does in the deterministic
// simulation: every Ready batch of every core over seeds 1–3000 (as
// test/raft/sim/seeds.test.ts runs them), the core's status at each, each
// run's outcome, and the broken-core self-checks (test/raft/sim/self-check.test.ts).
// A refactor of src/raft/core that changes no behaviour leaves it unchanged.
//   node --import tsx scripts/raft-ready-hash.ts
// The hash, on the core before issue 8's cut by type (de08653) and after it:
//   36287fdbb58e62f53be4b5aceb71b0d8091f0fde5cdf88d624aec80a89b127df
// After ReadIndex (every Ready has `readStates`, every run's stats `reads`; the runs ask no reads):
//   efd101a1f1a9317f00ff7819d79784e471bbc7ebac194b7b2c4517d2f0ff1b04
// ReadIndex's core, with an empty readStates left out of each Ready and no `reads` in the stats,
// gave the first hash: without reads it behaves as before.
import { createHash, type Hash } from "node:crypto";
import type { RaftCore } from "../src/raft/core/index.ts";
import type { RaftId, Ready } from "../src/raft/types.ts";
import { CommitsPreviousTermCore, VotesForStaleLogsCore } from "../test/raft/sim/support/broken-cores.ts";
import { type CoreFactory, runSeed, type SimResult } from "../test/raft/sim/support/simulation.ts";

const SEEDS = 3000;
/** As self-check.test.ts: the stale-vote core must fail within 500 seeds, the figure-8 core at this seed. */
const STALE_VOTE_MAX_RUNS = 500;
const FIGURE_8_SEED = 10479;

/** JSON with sorted keys and bytes as hex, so the hash sees values, not how objects were built. */
function canonical(v: unknown): string {
  if (v instanceof Uint8Array) return `"${Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString("hex")}"`;
  if (Array.isArray(v)) return `[${v.map(canonical).join(",")}]`;
  if (v !== null && typeof v === "object") {
    const keys = Object.keys(v)
      .filter((k) => (v as Record<string, unknown>)[k] !== undefined)
      .sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`).join(",")}}`;
  }
  return JSON.stringify(v);
}

/** A run's outcome; a thrown error's stack names files and lines, so only its first line counts. */
const outcome = (r: SimResult): string =>
  canonical({ seed: r.seed, ok: r.ok, failure: r.failure?.split("\n")[0], trace: r.trace, stats: r.stats });

function run(hash: Hash, seed: number, makeCore?: CoreFactory): SimResult {
  const observeReady = (id: RaftId, rd: Ready, core: RaftCore): void => {
    hash.update(`${id} ${canonical(rd)} ${canonical(core.status())}\n`);
  };
  const r = runSeed({ seed, observeReady, ...(makeCore ? { makeCore } : {}) });
  hash.update(`${outcome(r)}\n`);
  return r;
}

const hash = createHash("sha256");
let failures = 0;
for (let seed = 1; seed <= SEEDS; seed++) if (!run(hash, seed).ok) failures++;

let staleCaught: SimResult | undefined;
for (let seed = 1; seed <= STALE_VOTE_MAX_RUNS && !staleCaught; seed++) {
  const r = run(hash, seed, (cfg) => new VotesForStaleLogsCore(cfg));
  if (!r.ok) staleCaught = r;
}
const figure8 = run(hash, FIGURE_8_SEED, (cfg) => new CommitsPreviousTermCore(cfg));
const figure8Real = run(hash, FIGURE_8_SEED);

console.log(`seeds 1–${SEEDS}: ${failures} failures`);
console.log(`votes-for-stale-logs: ${staleCaught ? `caught at seed ${staleCaught.seed}` : "NOT caught"}`);
console.log(`commits-previous-term: ${figure8.ok ? "NOT caught" : "caught"} at seed ${FIGURE_8_SEED}`);
console.log(`real core at seed ${FIGURE_8_SEED}: ${figure8Real.ok ? "ok" : "FAILED"}`);
console.log(`ready hash: ${hash.digest("hex")}`);
if (failures > 0 || !staleCaught || figure8.ok || !figure8Real.ok) process.exit(1);
