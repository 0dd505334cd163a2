export * from "./errors.ts";
export { type MemberStatus, Membership, type Reachability } from "./membership.ts";
export {
  DEFAULT_LOG_ENTRIES_FOR_SLOW_FOLLOWERS,
  DEFAULT_SNAPSHOT_INTERVAL,
  MAX_INFLIGHT_MSGS,
  MAX_SIZE_PER_MSG,
  RaftNode,
  type RaftNodeOptions,
  type RaftNodeStartOptions,
  type SnapshotConfig,
} from "./raft-node.ts";
