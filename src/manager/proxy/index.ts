export * from "./forwarded-identity.ts";
export { isConnectionError, LeaderChannels } from "./leader-channels.ts";
export * from "./leader-conn.ts";
export { lateRaftLeaderInfo, type RaftLeadership, raftLeaderInfo } from "./raft-leader-info.ts";
export { type LeaderProxy, type LeaderProxyOptions, leaderProxy } from "./relay.ts";
