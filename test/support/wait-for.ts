/**
 * Waiting on events in tests, always with a bound: no "sleep a bit".
 *
 *   const s = await waitFor(() => actor.getSnapshot().matches("on") && s, { timeoutMs: 2000, what: "the actor to turn on" });
 */
export interface WaitOptions {
  timeoutMs: number;
  /** Says what was awaited, for the failure message. */
  what: string;
  /** Polling interval, ~10 ms by default. */
  intervalMs?: number;
}

type Falsy = undefined | null | false;

/**
 * Polls `check` every ~10 ms until it returns something other than
 * undefined/null/false, and resolves with that value. Rejects with
 * `timed out after N ms waiting for <what>` (and the last error `check` threw, if any).
 */
export async function waitFor<T>(check: () => T | Falsy | Promise<T | Falsy>, opts: WaitOptions): Promise<T> {
  const interval = opts.intervalMs ?? 10;
  const deadline = Date.now() + opts.timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v !== undefined && v !== null && v !== false) return v as T;
      lastError = undefined;
    } catch (e) {
      lastError = e;
    }
    if (Date.now() >= deadline) {
      const why =
        lastError === undefined
          ? ""
          : ` (last error: ${lastError instanceof Error ? lastError.message : String(lastError)})`;
      throw new Error(`timed out after ${opts.timeoutMs} ms waiting for ${opts.what}${why}`);
    }
    await new Promise((r) => setTimeout(r, interval));
  }
}

/**
 * The first item of an async iterable (a NATS subscription, an event stream…)
 * that satisfies `pred`, or a rejection `timed out after N ms waiting for <what>`.
 * Items before it are consumed. The iterable is not closed; the caller owns it.
 */
export async function nextMatching<T>(
  source: AsyncIterable<T>,
  pred: (item: T) => boolean,
  opts: { timeoutMs: number; what: string },
): Promise<T> {
  const it = source[Symbol.asyncIterator]();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`timed out after ${opts.timeoutMs} ms waiting for ${opts.what}`)),
      opts.timeoutMs,
    );
  });
  try {
    for (;;) {
      const r = await Promise.race([it.next(), timeout]);
      if (r.done) throw new Error(`stream ended while waiting for ${opts.what}`);
      if (pred(r.value)) return r.value;
    }
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Collects values pushed by a callback API (e.g. `subscribeEvents`) so tests can
 * wait on them: `const c = collector<E>(); subscribeEvents(nc, {}, c.push); await c.waitFor(pred, …)`.
 */
export function collector<T>() {
  const items: T[] = [];
  return {
    items,
    push: (item: T): void => {
      items.push(item);
    },
    /** Resolves with the first collected item (past or future) matching pred. */
    waitFor: (pred: (item: T) => boolean, opts: { timeoutMs: number; what: string }): Promise<T> =>
      waitFor(() => items.find(pred), opts),
    /** Resolves once at least n items were collected, with the first n. */
    waitForCount: (n: number, opts: { timeoutMs: number; what: string }): Promise<T[]> =>
      waitFor(() => items.length >= n && items.slice(0, n), opts),
  };
}

export type Collector<T> = ReturnType<typeof collector<T>>;
