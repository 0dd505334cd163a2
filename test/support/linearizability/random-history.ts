import * as fc from "fast-check";
import type { History, Op, Value } from "./history.ts";

/**
 * Histories linearizable by construction, for checking the checker: each op
 * gets a linearization point strictly after the previous op's, takes effect on
 * a plain sequential register there, and its call and return are drawn around
 * that point. Clients are sequential (a client's next call starts after its
 * last ended) but different clients' intervals overlap freely, which is what
 * makes the search work. Written values are unique, so a corrupted read is
 * provably a violation (see `corruptions`).
 */

export interface OpSpec {
  client: number;
  key: number;
  kind: "write" | "read";
  /** write: ok, refused (never applied), or unknown and either applied or lost; read: ok, error, unknown. */
  fate: "ok" | "error" | "unknown-applied" | "unknown-lost";
  /** Idle time of the client before its call. */
  gap: number;
  /** From max(call, previous point) to this op's point: at least 1, so points strictly increase. */
  toPoint: number;
  toReturn: number;
}

export const opSpec: fc.Arbitrary<OpSpec> = fc.record({
  client: fc.nat(3),
  key: fc.nat(1),
  kind: fc.constantFrom("write", "read"),
  // Mostly ok: unknown writes stay pending to the end and each one doubles the search's width.
  fate: fc.oneof(
    { weight: 16, arbitrary: fc.constant("ok" as const) },
    { weight: 1, arbitrary: fc.constant("error" as const) },
    { weight: 1, arbitrary: fc.constant("unknown-applied" as const) },
    { weight: 1, arbitrary: fc.constant("unknown-lost" as const) },
  ),
  gap: fc.nat(5),
  toPoint: fc.integer({ min: 1, max: 5 }),
  toReturn: fc.nat(8),
});

export function buildHistory(specs: OpSpec[], initial: Value = null): History {
  const registers = new Map<string, Value>();
  const clientFree = new Map<number, number>();
  let lastPoint = 0;
  const ops = specs.map((s, i): Op => {
    const id = i + 1;
    const key = `k${s.key}`;
    const call = (clientFree.get(s.client) ?? 0) + s.gap;
    const point = Math.max(call, lastPoint) + s.toPoint;
    lastPoint = point;
    const ret = point + s.toReturn;
    clientFree.set(s.client, ret + 1);
    const current = registers.has(key) ? (registers.get(key) ?? null) : initial;
    const applied = s.fate === "ok" || s.fate === "unknown-applied";
    const value = s.kind === "write" ? `v${id}` : applied ? current : null;
    if (s.kind === "write" && applied) registers.set(key, value);
    const outcome = s.fate === "ok" ? "ok" : s.fate === "error" ? "error" : "unknown";
    const op: Op = { id, client: `c${s.client}`, kind: s.kind, key, value, call, outcome };
    if (outcome !== "unknown") op.ret = ret;
    return op;
  });
  return { ops };
}

/**
 * Ways to break one ok read of a linearizable history so that no order can
 * explain it: a value never written, or a stale value (one overwritten by a
 * write that completed before the read began, values being unique).
 */
export function corruptions(h: History): { what: string; readId: number; history: History }[] {
  const out: { what: string; readId: number; history: History }[] = [];
  const ok = h.ops.filter((o) => o.outcome === "ok");
  const withValue = (readId: number, value: Value, what: string): void => {
    out.push({ what, readId, history: { ops: h.ops.map((o) => (o.id === readId ? { ...o, value } : { ...o })) } });
  };
  for (const r of ok.filter((o) => o.kind === "read")) {
    withValue(r.id, "never-written", `read #${r.id} sees a value never written`);
    const before = ok.filter((w) => w.kind === "write" && w.key === r.key && (w.ret as number) < r.call);
    for (const w1 of before) {
      const w2 = before.find((w) => w1.ret !== undefined && w.call > w1.ret);
      if (w2) {
        withValue(r.id, w1.value, `read #${r.id} sees #${w1.id}'s value, overwritten by #${w2.id} before it began`);
        break;
      }
    }
  }
  return out;
}
