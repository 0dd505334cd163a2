import { test } from "uvu";
import * as assert from "uvu/assert";
import { parseGoDuration } from "../../src/cli/go-duration.ts";

/** `--cert-expiry` and `--dispatcher-heartbeat` read as Go's time.ParseDuration reads them. */
test("Go's duration syntax, in milliseconds", () => {
  assert.is(parseGoDuration("2160h"), 2160 * 3600_000);
  assert.is(parseGoDuration("1h30m"), 90 * 60_000);
  assert.is(parseGoDuration("1.5s"), 1500);
  assert.is(parseGoDuration("500ms"), 500);
  assert.is(parseGoDuration("-5s"), -5000);
  assert.is(parseGoDuration("0"), 0);
  assert.is(parseGoDuration("1500us"), 1.5);
});

test("Go's error texts", () => {
  const error = (s: string) => {
    try {
      parseGoDuration(s);
    } catch (e) {
      return (e as Error).message;
    }
    return "no error";
  };
  assert.is(error("bogus"), 'time: invalid duration "bogus"');
  assert.is(error(""), 'time: invalid duration ""');
  assert.is(error("5"), 'time: missing unit in duration "5"');
  assert.is(error("90d"), 'time: unknown unit "d" in duration "90d"');
});

test.run();
