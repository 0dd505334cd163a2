import type { RaftId } from "../types.ts";

/** Votes needed out of n voters. */
export const majority = (n: number): number => Math.floor(n / 2) + 1;

/** The highest index a majority of voters has (matchOf gives each voter's match). */
export function committedIndex(voters: Iterable<RaftId>, matchOf: (id: RaftId) => number): number {
  const matches: number[] = [];
  for (const id of voters) matches.push(matchOf(id));
  if (matches.length === 0) return 0;
  matches.sort((a, b) => b - a);
  return matches[majority(matches.length) - 1]!;
}

export type VoteResult = "won" | "lost" | "pending";

/** Tallies granted/rejected votes over the voters only. */
export function voteResult(voters: Iterable<RaftId>, votes: ReadonlyMap<RaftId, boolean>): VoteResult {
  let n = 0;
  let granted = 0;
  let rejected = 0;
  for (const id of voters) {
    n++;
    const v = votes.get(id);
    if (v === true) granted++;
    else if (v === false) rejected++;
  }
  const q = majority(n);
  if (granted >= q) return "won";
  if (n - rejected < q) return "lost";
  return "pending";
}
