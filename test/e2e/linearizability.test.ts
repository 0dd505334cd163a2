import { readFileSync } from "node:fs";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { onTeardown } from "../support/fixture.ts";
import type { FaultKind } from "../support/linearizability/faults.ts";
import { parseHistory } from "../support/linearizability/history.ts";
import { LinCluster, REPORT_HEADER, type RunReport, reportRow } from "../support/linearizability/lin-cluster.ts";

/**
 * Concurrent clients on every manager of a real three-manager swarm write and read node labels
 * (a register per key) through the daemon API while the leader is SIGKILLed and restarted and
 * managers are SIGSTOPped past an election; the history must be linearizable. The same run on a
 * build whose followers answer reads from their own store (the test-only failpoint
 * `stale-follower-reads`) must be caught. In both, m3 has a slow disk (`slow-disk-ms`, a
 * condition, not a bug): a follower that lags, so a stale read is certain, not a race.
 * A failed check keeps its history and timeline under test-results/linearizability/.
 */

const MANAGERS = ["m1", "m2", "m3"] as const;

/** The real build, or the one whose followers read their own store; `lagging` has a slow disk in both. */
const build =
  (broken: boolean, lagging = "m3") =>
  (name: string): string =>
    [broken ? "stale-follower-reads" : "", name === lagging ? "slow-disk-ms=200" : ""].filter(Boolean).join(",");

const c = new LinCluster({ managers: MANAGERS, failpoints: build(false) });
test.before(() => c.form());
onTeardown(test, () => c.stop());

/** A quiet start, then the faults in turn. */
async function run(name: string, durationMs: number, faults: readonly FaultKind[]): Promise<RunReport> {
  const r = await c.run({ name, durationMs, clients: 6, faults, firstFaultAfterMs: 2_000 });
  console.log(`${REPORT_HEADER}\n${reportRow(r)}`);
  if (r.files) console.log(`history kept: ${r.files.timeline}\n              ${r.files.history}`);
  return r;
}

test("the real build is linearizable while the leader is killed and managers are stopped", async () => {
  const r = await run("e2e-real", 12_000, ["stop-follower", "stop-leader", "kill-leader"]);
  assert.is(r.check.result, "ok", `not linearizable: see ${r.files?.timeline}`);
  assert.is(r.figures.lostWrites, 0);
  assert.ok(r.faults.length >= 3, `only ${r.faults.length} faults injected`);
  // Every manager served clients, and most calls succeeded despite the faults.
  for (const m of MANAGERS) assert.ok(r.history.ops.some((o) => o.client.endsWith(`@${m}`) && o.outcome === "ok"));
  assert.ok(r.figures.ok > r.figures.operations / 2, `${r.figures.ok} of ${r.figures.operations} ok`);
});

test("the same run catches a build whose followers answer reads from their own store", async () => {
  // The stale reads are a lagging follower's: the slow disk goes to a follower (m3 may lead after the
  // first run's faults), and no fault moves the leader meanwhile.
  const leader = await c.leader();
  c.switchTo(
    build(
      true,
      MANAGERS.find((m) => m !== leader),
    ),
  );
  const r = await run("e2e-stale-follower-reads", 5_000, []);
  assert.is(r.check.result, "violation");
  // What cannot be placed is a read: one that missed a write acknowledged before it was called.
  const unplaced = r.check.keys.flatMap((k) => (k.result === "violation" ? [k.unplaced] : []));
  assert.ok(
    unplaced.some((op) => op.kind === "read"),
    unplaced.map((op) => op.kind).join(),
  );
  const files = r.files;
  assert.ok(files, "the failed check's history was not kept");
  assert.match(readFileSync(files.timeline, "utf8"), /NOT linearizable/);
  assert.ok(parseHistory(JSON.parse(readFileSync(files.history, "utf8"))).ops.length === r.history.ops.length);
});

test.run();
