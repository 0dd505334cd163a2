import { test } from "uvu";
import * as assert from "uvu/assert";
import { crashRun } from "./support/crash-workload.ts";

// The long run: node --import tsx scripts/wal-crash-soak.ts --seconds 600
test("crashes that drop every unsynced write (seeded, mid-write and between writes): each reopen keeps every acknowledged write", async () => {
  let wentBack = 0;
  for (const seed of [1, 2, 3, 4]) {
    const r = await crashRun(seed, 60);
    assert.ok(r.acknowledged > 100, `seed ${seed}: a real workload (${r.acknowledged} saves acknowledged)`);
    assert.ok(r.midWrite > 10, `seed ${seed}: crashes struck in the middle of writes (${r.midWrite})`);
    assert.ok(r.entries > 0);
    assert.ok(r.unsyncedCommits > 50, `seed ${seed}: commit-only hard states written unsynced (${r.unsyncedCommits})`);
    wentBack += r.commitWentBack;
  }
  // The checks see an unsynced commit lost (and the commit never below the last synced one).
  assert.ok(wentBack > 0, "a crash took an unsynced commit back");
});

test.run();
