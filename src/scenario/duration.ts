/** "500ms", "10s", "1.5s", "2m" or a bare number of milliseconds, as milliseconds; undefined when malformed. */
export function parseDuration(v: string | number): number | undefined {
  if (typeof v === "number") return Number.isFinite(v) && v > 0 ? v : undefined;
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m)?\s*$/.exec(v);
  if (!m) return undefined;
  const n = Number(m[1]) * ({ ms: 1, s: 1000, m: 60_000 } as const)[(m[2] ?? "ms") as "ms" | "s" | "m"];
  return n > 0 ? n : undefined;
}

/** A duration as a person reads it in the report: 500ms, 10s, 1.5s. */
export function formatDuration(ms: number): string {
  return ms < 1000 ? `${ms}ms` : `${Number((ms / 1000).toFixed(3))}s`;
}
