import type { Entry, RaftId } from "../../../../src/raft/types.ts";

/** A safety rule was broken. */
export class Violation extends Error {
  override name = "Violation";
}

const entryKey = (e: Entry): string => `${e.type}:${Buffer.from(e.data).toString("base64")}`;

/**
 * Raft's safety properties, checked incrementally as members persist, commit
 * and apply:
 * - election safety: at most one leader per term;
 * - log matching: an (index, term) names one entry with one predecessor term,
 *   which by induction makes the prefixes identical;
 * - leader completeness: a leader of term T holds every entry committed in a term < T
 *   (checked when it is elected and whenever an entry commits);
 * - state machine safety: no two members apply different entries at one index.
 */
export class SafetyChecker {
  private readonly leaderOf = new Map<number, RaftId>();
  private readonly logEntry = new Map<string, string>();
  /**
   * index → the committed entry's term, and `by`: a term no earlier than the one
   * it was committed in (the reporter's current term), so only leaders of terms
   * after `by` are sure to need it.
   */
  readonly committed = new Map<number, { term: number; by: number }>();
  maxCommitted = 0;
  private readonly appliedAt = new Map<number, string>();

  leader(term: number, id: RaftId): void {
    const other = this.leaderOf.get(term);
    if (other !== undefined && other !== id) throw new Violation(`two leaders in term ${term}: ${other} and ${id}`);
    this.leaderOf.set(term, id);
  }

  /** A member persisted `e` right after an entry of term prevTerm (undefined when compacted away). */
  persisted(member: RaftId, e: Entry, prevTerm: number | undefined): void {
    const k = `${e.index}/${e.term}`;
    const v = `${prevTerm ?? "?"}|${entryKey(e)}`;
    const seen = this.logEntry.get(k);
    if (seen === undefined) {
      this.logEntry.set(k, v);
      return;
    }
    if (seen === v) return;
    const [seenPrev, ...seenRest] = seen.split("|");
    if (seenRest.join("|") !== entryKey(e)) {
      throw new Violation(`log matching: ${member} holds a different entry at index ${e.index} term ${e.term}`);
    }
    if (prevTerm !== undefined && seenPrev !== "?" && seenPrev !== String(prevTerm)) {
      throw new Violation(
        `log matching: ${member} has entry ${e.index}/${e.term} after term ${prevTerm}, another member after term ${seenPrev}`,
      );
    }
    if (seenPrev === "?" && prevTerm !== undefined) this.logEntry.set(k, v);
  }

  /** A member in term `memberTerm` says index i (of term t) is committed. */
  commit(member: RaftId, i: number, t: number, memberTerm: number): { term: number; by: number } {
    const seen = this.committed.get(i);
    if (seen !== undefined) {
      if (seen.term !== t) {
        throw new Violation(`committed entry ${i} has term ${seen.term} on one member and ${t} on ${member}`);
      }
      if (memberTerm < seen.by) seen.by = memberTerm;
      return seen;
    }
    const c = { term: t, by: memberTerm };
    this.committed.set(i, c);
    if (i > this.maxCommitted) this.maxCommitted = i;
    return c;
  }

  applied(member: RaftId, e: Entry): void {
    const k = `${e.term}:${entryKey(e)}`;
    const seen = this.appliedAt.get(e.index);
    if (seen === undefined) this.appliedAt.set(e.index, k);
    else if (seen !== k)
      throw new Violation(`state machine safety: ${member} applied a different entry at index ${e.index}`);
  }
}
