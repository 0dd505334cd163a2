/** One row of `node ls`, cut by the header's column positions. */
export interface LsRow {
  hostname: string;
  status: string;
  availability: string;
  manager: string;
}

/** `node ls` output as rows, cut by the header's column positions. */
export function parseNodeLs(out: string): LsRow[] {
  const [header, ...lines] = out.split("\n").filter((l) => l.trim() !== "");
  if (!header) return [];
  const cols = ["HOSTNAME", "STATUS", "AVAILABILITY", "MANAGER STATUS", "ENGINE VERSION"].map((c) => header.indexOf(c));
  const cut = (l: string, i: number) => l.slice(cols[i], cols[i + 1]).trim();
  return lines.map((l) => ({ hostname: cut(l, 0), status: cut(l, 1), availability: cut(l, 2), manager: cut(l, 3) }));
}

export const lsRow = (rows: readonly LsRow[], host: string): LsRow | undefined => rows.find((r) => r.hostname === host);

export const lsLeaders = (rows: readonly LsRow[]): string[] =>
  rows.filter((r) => r.manager === "Leader").map((r) => r.hostname);

export const lsReachable = (rows: readonly LsRow[]): number => rows.filter((r) => r.manager === "Reachable").length;

/** Exactly one Leader and `reachable` Reachable managers: a settled Raft cluster of reachable + 1. */
export const oneLeaderAnd = (rows: readonly LsRow[], reachable: number): boolean =>
  lsLeaders(rows).length === 1 && lsReachable(rows) === reachable;
