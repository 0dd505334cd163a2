import * as assert from "uvu/assert";

/** Runs `f` and returns what it threw; fails the test if it did not throw. */
export async function rejection(f: () => Promise<unknown>): Promise<unknown> {
  try {
    await f();
  } catch (e) {
    return e;
  }
  assert.unreachable("expected a rejection, but the call succeeded");
}
