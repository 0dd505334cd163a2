import { test } from "uvu";
import * as assert from "uvu/assert";
import { FLAKY_MARK, flaky } from "./flaky.ts";

/** What `fn` writes to stderr while it runs. */
async function stderrOf(fn: () => Promise<void>): Promise<string> {
  const write = process.stderr.write.bind(process.stderr);
  let text = "";
  process.stderr.write = ((chunk: string | Uint8Array) => {
    text += String(chunk);
    return true;
  }) as typeof process.stderr.write;
  try {
    await fn();
  } finally {
    process.stderr.write = write;
  }
  return text;
}

test("a marked test that fails once and then passes passes, and the failure is printed with its reason", async () => {
  let runs = 0;
  const body = flaky("the OS timer", () => {
    runs++;
    if (runs === 1) throw new Error("late by 3 ms");
  });
  const err = await stderrOf(() => body({}));
  assert.is(runs, 2);
  assert.is(err, `${FLAKY_MARK} 1/2 (the OS timer): late by 3 ms\n`);
});

test("a marked test that fails every attempt fails with the last error", async () => {
  let runs = 0;
  const body = flaky(
    "the OS timer",
    () => {
      runs++;
      throw new Error(`attempt ${runs}`);
    },
    { attempts: 3 },
  );
  let caught: unknown;
  await stderrOf(async () => {
    try {
      await body({});
    } catch (e) {
      caught = e;
    }
  });
  assert.is(runs, 3);
  assert.is((caught as Error).message, "attempt 3");
});

test("a mark without a reason is refused where it is written", () => {
  assert.throws(() => flaky(" ", () => {}), /say why/);
});

test.run();
