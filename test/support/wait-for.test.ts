import { test } from "uvu";
import * as assert from "uvu/assert";
import { collector, nextMatching, waitFor } from "./wait-for.ts";

test("waitFor resolves with the first truthy value", async () => {
  let n = 0;
  const v = await waitFor(() => (++n >= 3 ? { n } : undefined), { timeoutMs: 2000, what: "n to reach 3" });
  assert.equal(v, { n: 3 });
  assert.is(await waitFor(async () => 0, { timeoutMs: 100, what: "zero" }), 0, "0 counts as a value");
});

test("waitFor fails with 'timed out after N ms waiting for <what>' and the last error", async () => {
  try {
    await waitFor(() => false, { timeoutMs: 30, what: "never" });
    assert.unreachable();
  } catch (e) {
    assert.is((e as Error).message, "timed out after 30 ms waiting for never");
  }
  try {
    await waitFor(
      () => {
        throw new Error("not yet");
      },
      { timeoutMs: 30, what: "a throwing check" },
    );
    assert.unreachable();
  } catch (e) {
    assert.is((e as Error).message, "timed out after 30 ms waiting for a throwing check (last error: not yet)");
  }
});

async function* numbers(): AsyncGenerator<number> {
  for (let i = 0; i < 5; i++) yield i;
}

test("nextMatching takes the first matching item, or fails on end or time", async () => {
  assert.is(await nextMatching(numbers(), (x) => x > 2, { timeoutMs: 1000, what: "x > 2" }), 3);
  try {
    await nextMatching(numbers(), (x) => x > 9, { timeoutMs: 1000, what: "x > 9" });
    assert.unreachable();
  } catch (e) {
    assert.is((e as Error).message, "stream ended while waiting for x > 9");
  }
  const never: AsyncIterable<number> = { [Symbol.asyncIterator]: () => ({ next: () => new Promise(() => {}) }) };
  try {
    await nextMatching(never, () => true, { timeoutMs: 20, what: "anything" });
    assert.unreachable();
  } catch (e) {
    assert.is((e as Error).message, "timed out after 20 ms waiting for anything");
  }
});

test("collector waits on pushed items", async () => {
  const c = collector<string>();
  setTimeout(() => c.push("a"), 5);
  setTimeout(() => c.push("b"), 10);
  assert.equal(await c.waitForCount(2, { timeoutMs: 2000, what: "two items" }), ["a", "b"]);
  assert.is(await c.waitFor((x) => x === "b", { timeoutMs: 100, what: "b" }), "b");
});

test.run();
