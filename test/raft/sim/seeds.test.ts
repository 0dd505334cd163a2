import { test } from "uvu";
import * as assert from "uvu/assert";
import { formatFailure, runBudget, runSeed } from "./support/simulation.ts";

// Deterministic simulation of 1–5 members under drops, delays, duplicates,
// reordering, partitions, crashes (keeping only what was persisted) and
// membership changes, with Raft's safety rules checked at every step and every
// acknowledged proposal required on every live voter after healing.
//   replay one seed:  SWARMBUS_RAFT_SEED=<n> node --import tsx test/raft/sim/seeds.test.ts
//   time budget:      SWARMBUS_RAFT_SIM_MS (default 20000)
const replay = process.env.SWARMBUS_RAFT_SEED;
const budgetMs = Number(process.env.SWARMBUS_RAFT_SIM_MS ?? 20_000);
const MIN_RUNS = 1000;

if (replay !== undefined) {
  test(`seed ${replay} keeps Raft safe and live`, () => {
    const r = runSeed({ seed: Number(replay) });
    if (!r.ok) assert.unreachable(formatFailure(r));
    console.log(`seed ${replay}: ok ${JSON.stringify(r.stats)}`);
  });
} else {
  test(`every seed within ${budgetMs} ms (at least ${MIN_RUNS} runs) keeps Raft safe and live`, () => {
    const { runs, failures, totals } = runBudget({
      seedStart: 1,
      budgetMs,
      minRuns: MIN_RUNS,
      stopAtFirstFailure: true,
    });
    if (failures[0]) assert.unreachable(formatFailure(failures[0]));
    assert.ok(runs >= MIN_RUNS, `only ${runs} runs`);
    console.log(`raft sim: ${runs} runs, 0 failures, ${JSON.stringify(totals)}`);
    // The runs did go through what they claim to test.
    for (const k of ["acked", "crashes", "confChanges", "snapshotsSent", "transfers"] as const) {
      assert.ok(totals[k] > 0, `no run had any ${k}`);
    }
    assert.ok(totals.leaders > runs, "more than one election per run on average");
  });

  test("with reads asked of the leaders, every confirmed read sees every write acknowledged before it", () => {
    const { runs, failures, totals } = runBudget({
      seedStart: 1,
      budgetMs: budgetMs / 4,
      minRuns: MIN_RUNS / 4,
      stopAtFirstFailure: true,
      reads: true,
    });
    if (failures[0]) assert.unreachable(formatFailure(failures[0]));
    console.log(`raft sim with reads: ${runs} runs, 0 failures, ${totals.reads} reads confirmed`);
    assert.ok(totals.reads > runs, "more than one confirmed read per run on average");
  });

  test("one seed is one exact run", () => {
    const a = runSeed({ seed: 4242 });
    const b = runSeed({ seed: 4242 });
    assert.equal(a.stats, b.stats);
    assert.is(a.ok, b.ok);
  });
}

test.run();
