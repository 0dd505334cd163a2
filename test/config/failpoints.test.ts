import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { checkFailpoints, failpointNumber, failpointOn, parseFailpoints } from "../../src/config/failpoints.ts";
import { waitFor } from "../support/wait-for.ts";

test("SWARMBUS_FAILPOINT unset or empty turns nothing on", () => {
  assert.is(parseFailpoints(undefined).size, 0);
  assert.is(parseFailpoints(" , ").size, 0);
});

test("a comma list of names and name=value", () => {
  const fp = parseFailpoints("stale-follower-reads, slow-disk-ms=200");
  assert.equal(
    [...fp],
    [
      ["stale-follower-reads", ""],
      ["slow-disk-ms", "200"],
    ],
  );
});

test("a misspelt failpoint stops the start instead of silently testing nothing", () => {
  assert.throws(() => parseFailpoints("stale-folower-reads"), /unknown failpoint stale-folower-reads/);
});

test("SWARMBUS_FAILPOINT_FILE turns failpoints on and off in a running process, beside SWARMBUS_FAILPOINT", async () => {
  const dir = mkdtempSync(join(tmpdir(), "failpoints-"));
  const path = join(dir, "fp");
  process.env.SWARMBUS_FAILPOINT = "slow-disk-ms=7";
  process.env.SWARMBUS_FAILPOINT_FILE = path;
  try {
    // No file yet: only the environment's.
    assert.is(failpointNumber("slow-disk-ms"), 7);
    assert.not.ok(failpointOn("stale-follower-reads"));
    writeFileSync(path, "stale-follower-reads\n");
    await waitFor(() => failpointOn("stale-follower-reads"), { timeoutMs: 2_000, what: "the file's failpoint on" });
    assert.is(failpointNumber("slow-disk-ms"), 7);
    // A misspelt edit is refused by the start check and keeps what was on.
    writeFileSync(path, "stale-folower-reads");
    assert.throws(() => checkFailpoints(), /unknown failpoint stale-folower-reads/);
    assert.ok(failpointOn("stale-follower-reads"));
    writeFileSync(path, "");
    await waitFor(() => !failpointOn("stale-follower-reads"), { timeoutMs: 2_000, what: "the file's failpoint off" });
  } finally {
    delete process.env.SWARMBUS_FAILPOINT_FILE;
    delete process.env.SWARMBUS_FAILPOINT;
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
