/**
 * A test that must tolerate timing it cannot control, marked where it is written
 * (the idea of nats.js's `flakyTest`): `test("…", flaky("why", async () => {…}))`.
 * The body runs again, up to `attempts` times in all, when it throws; every failed
 * attempt is printed with the reason, and scripts/run-tests.ts counts the lines,
 * so a tolerated failure is never silent.
 *
 * Only for a test whose failure cannot be a bug of ours (the machine's scheduler,
 * the OS's timers), never for a race in the code under test: a lost race in a
 * consensus system is the bug. The whole file is not rerun any more by default.
 */
export const FLAKY_MARK = "FLAKY-ATTEMPT";

export function flaky<C>(
  reason: string,
  body: (context: C) => unknown,
  opts: { attempts?: number } = {},
): (context: C) => Promise<void> {
  if (reason.trim() === "") throw new Error("flaky: say why the test may fail for want of time");
  const attempts = Math.max(1, opts.attempts ?? 2);
  return async (context) => {
    for (let n = 1; ; n++) {
      try {
        await body(context);
        return;
      } catch (e) {
        if (n >= attempts) throw e;
        const what = e instanceof Error ? e.message : String(e);
        process.stderr.write(`${FLAKY_MARK} ${n}/${attempts} (${reason}): ${what.split("\n")[0]}\n`);
      }
    }
  };
}
