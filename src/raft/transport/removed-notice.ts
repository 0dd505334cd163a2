import type { RaftId } from "../types.ts";

/**
 * The notice a member publishes, with an empty body, on a removed member's
 * subject when that member still talks to it:
 * `<clusterId> <raftId of the teller> <index of the committed conf change that removed it>`.
 * The teller's node ID is the subject's sender token.
 */
export const REMOVED_HEADER = "Swarmbus-Raft-Removed";

export interface RemovedNotice {
  readonly by: RaftId;
  readonly index: number;
}

export const formatRemovedNotice = (clusterId: string, by: RaftId, index: number): string =>
  `${clusterId} ${by} ${index}`;

/** The teller and the removal's index when the notice is well-formed and for `clusterId`, else undefined. */
export function parseRemovedNotice(value: string, clusterId: string): RemovedNotice | undefined {
  const m = /^(\S+) ([1-9][0-9]{0,19}) ([1-9][0-9]{0,15})$/.exec(value);
  if (!m || m[1] !== clusterId) return undefined;
  const index = Number(m[3]);
  return Number.isSafeInteger(index) ? { by: m[2] as RaftId, index } : undefined;
}
