import type { History, Op } from "./history.ts";

/**
 * The figures of a run, beside the checker's verdict.
 *
 * - **acknowledged writes lost**: an `ok` write W of key k is lost when an `ok` read of k that
 *   was called after W returned shows what k held before W: a value written by a write that
 *   returned before W was called, or no value at all. The register went back behind W, as if W
 *   had never been. (A value overwritten before anyone read it is not lost: a later write
 *   replaced it.) The workload ends with a read of every key after the faults are healed, so a
 *   last write that vanished is counted too. Every lost write is also a violation; this figure
 *   says how many acknowledged writes the violations cost.
 * - **availability**: of the calls that count (the harness says which: started while a majority
 *   of the managers was up, at a manager not itself killed or stopped then), the share answered
 *   (ok, or a write's definite refusal such as `update out of sequence`) within `withinMs`.
 */
export interface RunFigures {
  operations: number;
  ok: number;
  failed: number;
  unknown: number;
  writes: number;
  reads: number;
  lostWrites: number;
  /** The lost writes' op ids, to find them in the history file. */
  lostWriteIds: number[];
  /** 0..1 */
  availability: number;
}

export function lostWrites(history: History): Op[] {
  const byKey = new Map<string, Op[]>();
  for (const op of history.ops) byKey.set(op.key, [...(byKey.get(op.key) ?? []), op]);
  const lost: Op[] = [];
  for (const ops of byKey.values()) {
    const writes = ops.filter((o) => o.kind === "write");
    const writerOf = new Map(writes.map((w) => [w.value, w]));
    const reads = ops.filter((o) => o.kind === "read" && o.outcome === "ok");
    for (const w of writes) {
      if (w.outcome !== "ok") continue;
      const done = w.ret as number;
      const goneBack = reads.some((r) => {
        if (r.call <= done) return false;
        if (r.value === null) return true;
        const before = writerOf.get(r.value);
        return before !== undefined && before !== w && before.ret !== undefined && before.ret < w.call;
      });
      if (goneBack) lost.push(w);
    }
  }
  return lost;
}

export function runFigures(history: History, counts: (op: Op) => boolean, withinMs = 1_000): RunFigures {
  const ops = history.ops;
  const lost = lostWrites(history);
  const counted = ops.filter(counts);
  const answered = counted.filter((o) => o.outcome !== "unknown" && (o.ret as number) - o.call <= withinMs);
  // A failed read is recorded as `error` but told the caller nothing: only a refused write is an answer.
  const useful = answered.filter((o) => o.outcome === "ok" || o.kind !== "read");
  return {
    operations: ops.length,
    ok: ops.filter((o) => o.outcome === "ok").length,
    failed: ops.filter((o) => o.outcome === "error").length,
    unknown: ops.filter((o) => o.outcome === "unknown").length,
    writes: ops.filter((o) => o.kind === "write").length,
    reads: ops.filter((o) => o.kind === "read").length,
    lostWrites: lost.length,
    lostWriteIds: lost.map((o) => o.id),
    availability: counted.length === 0 ? 1 : useful.length / counted.length,
  };
}
