/** Nearest-rank percentile of `values` (p in 0..100); NaN for an empty list. Sorts a copy. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = Float64Array.from(values).sort();
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1]!;
}

export interface LatencySummary {
  count: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

export function summarize(values: readonly number[]): LatencySummary {
  let max = Number.NaN;
  for (const v of values) if (!(v <= max)) max = v;
  return { count: values.length, p50Ms: percentile(values, 50), p99Ms: percentile(values, 99), maxMs: max };
}
