import type { RaftId } from "../types.ts";

/**
 * The notice a member publishes, with an empty body, on a removed member's
 * subject when that member still talks to it: `<clusterId> <raftId of the teller>`.
 */
export const REMOVED_HEADER = "Swarmbus-Raft-Removed";

/** The teller's Raft ID when the notice is well-formed and for `clusterId`, else undefined. */
export function parseRemovedNotice(value: string, clusterId: string): RaftId | undefined {
  const m = /^(\S+) ([1-9][0-9]{0,19})$/.exec(value);
  return m && m[1] === clusterId ? m[2] : undefined;
}
