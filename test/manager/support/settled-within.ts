import { waitFor } from "../../support/wait-for.ts";

/**
 * The value of `p` if it settles within `timeoutMs`, else a rejection naming
 * `what` — `waitFor(() => p)` would wait on the promise itself, unbounded.
 */
export async function settledWithin<T>(p: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let box: { value: T } | undefined;
  void p.then((value) => {
    box = { value };
  });
  return (await waitFor(() => box, { timeoutMs, what })).value;
}
