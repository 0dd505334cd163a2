import { readFileSync } from "node:fs";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { useTempDir } from "../temp-dir.ts";
import { checkHistory } from "./checker.ts";
import { runFakeRegister } from "./fake-register.ts";
import { registerModel } from "./model.ts";
import { formatTimeline, writeFailure } from "./timeline.ts";

// The checker against a build known to be broken, as test/raft/sim/self-check.test.ts does for the
// simulation: a check that passes everything proves nothing until it has been seen to fail.

const dir = useTempDir(test, "swarmbus-lin-fake-");
const model = registerModel(null);
const SEEDS = Array.from({ length: 20 }, (_, i) => i + 1);

test("a replicated register whose reads all go to the leader passes, on every seed", () => {
  for (const seed of SEEDS) {
    const h = runFakeRegister({ seed, followerReads: false });
    const r = checkHistory(h, model);
    assert.is(r.result, "ok", `seed ${seed}:\n${r.result === "violation" ? formatTimeline(h, r) : ""}`);
  }
});

test("followers answering reads from their own state are caught, on every seed, and the timeline names the read", () => {
  for (const seed of SEEDS) {
    const h = runFakeRegister({ seed, followerReads: true });
    const r = checkHistory(h, model);
    assert.is(r.result, "violation", `seed ${seed}: the stale follower reads went unnoticed`);
    const v = r.keys.find((k) => k.result === "violation");
    assert.ok(v && v.result === "violation");
    // The op that cannot be placed is a read a follower answered (n0 is the leader).
    assert.is(v.unplaced.kind, "read", `seed ${seed}`);
    assert.not.match(v.unplaced.client, /@n0$/, `seed ${seed}`);
    if (seed === 1) {
      const paths = writeFailure(dir, `follower-reads-seed-${seed}`, h, r);
      const text = readFileSync(paths.timeline, "utf8");
      const marked = text.split("\n").find((l) => l.startsWith(`  #${v.unplaced.id} `));
      assert.match(marked ?? "", /^ {2}#\d+ +c\d+@n[12] .*read → .*!! cannot be placed$/);
    }
  }
});

test.run();
