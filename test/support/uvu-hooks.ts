import { test } from "uvu";

/**
 * Preloaded by scripts/run-tests.ts. uvu returns from a `finally` block, which
 * swallows an error thrown by a `before` or `after` hook: the file then fails
 * every test with no message. Wrapped here, the hook's error reaches stderr.
 */
type Hook = (state: Record<string, unknown>) => void | Promise<void>;

function loud(kind: string, fn: Hook): Hook {
  return async (state) => {
    try {
      await fn(state);
    } catch (e) {
      process.stderr.write(`\n  ✘ ${kind} hook failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
      throw e;
    }
  };
}

for (const kind of ["before", "after"] as const) {
  const register = test[kind];
  const each = register.each;
  const wrapped = (fn: Hook) => register(loud(kind, fn));
  wrapped.each = (fn: Hook) => each(loud(`${kind}.each`, fn));
  test[kind] = wrapped as typeof register;
}
