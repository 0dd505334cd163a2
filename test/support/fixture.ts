import type { Test } from "uvu";

/**
 * The uvu suite a fixture hooks into: `test` for a file's default suite, or one made with `suite()`.
 * Fixtures take it first (`useSwarm(test)`) so a file reads as its behaviour: the fixture starts in a
 * `before` hook and stops in an `after` hook, and the tests only use it.
 */
export type Suite = Test;

const teardowns = new WeakMap<Suite, (() => unknown)[]>();

/**
 * Runs `stop` after the suite's tests, in the reverse order of registration: what started last
 * (a connection) stops before what it depends on (the server). Every teardown runs even when one
 * fails; the first failure is rethrown so the file still fails.
 */
export function onTeardown(suite: Suite, stop: () => unknown): void {
  let stack = teardowns.get(suite);
  if (!stack) {
    const own: (() => unknown)[] = [];
    stack = own;
    teardowns.set(suite, own);
    suite.after(async () => {
      let first: unknown;
      while (own.length > 0) {
        try {
          await own.pop()?.();
        } catch (e) {
          first ??= e;
        }
      }
      if (first !== undefined) throw first;
    });
  }
  stack.push(stop);
}
