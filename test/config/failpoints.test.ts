import { test } from "uvu";
import * as assert from "uvu/assert";
import { parseFailpoints } from "../../src/config/failpoints.ts";

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

test.run();
