/**
 * The pure Raft core (etcd/raft's design): no I/O, no clock, no randomness of
 * its own. The shell's loop:
 *
 *   core.tick() every profile.raftTickMs; core.step(m) for each peer message;
 *   while (core.hasReady()) {
 *     const rd = core.ready();
 *     persist rd.snapshot, rd.entries, rd.hardState (fsync if rd.mustSync),
 *       then mirror them into the MemoryStorage the core reads;
 *     send rd.messages (report MsgSnap outcomes with reportSnapshot, dead peers with reportUnreachable);
 *     apply rd.committedEntries (confChange entries: core.applyConfChange);
 *     core.advance(rd);
 *   }
 *
 * Inside, by type as in etcd/raft: raft-core.ts (RaftCore: the API, Ready
 * batches), raft.ts (the Raft state, become*, the step dispatcher),
 * step-leader/-follower/-candidate.ts (each role's step, functions over it),
 * replication.ts, raft-log.ts and unstable.ts (the log), tracker/ (each
 * member's progress and inflights, votes), quorum.ts, confchange/ (a
 * ConfChange applied to the tracker, and its wire bytes).
 */
export type { CoreConfig } from "./config.ts";
export {
  ErrCompacted,
  ErrInvalidMessage,
  ErrProposalDropped,
  ErrSnapOutOfDate,
  ErrSnapshotTemporarilyUnavailable,
  ErrStepLocalMsg,
  ErrUnavailable,
  RaftInvariantError,
} from "./errors.ts";
export { emptySnapshot, MemoryStorage } from "./memory-storage.ts";
export { type CoreStatus, RaftCore } from "./raft-core.ts";
export type { LogStorage } from "./storage.ts";
export type { ProgressState } from "./tracker/progress.ts";
