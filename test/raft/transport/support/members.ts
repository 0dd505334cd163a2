import type { RaftMembers } from "../../../../src/raft/transport/index.ts";
import type { RaftId } from "../../../../src/raft/types.ts";

/** The node ID of member `raftId` in these tests. */
export const nodeIdOf = (raftId: RaftId) => `node-${raftId}`;

/** Every `node-<n>` is the member with Raft ID `<n>`; nobody was removed. */
export const numberedMembers: RaftMembers = {
  raftIdOf: (nodeId) => /^node-([1-9][0-9]*)$/.exec(nodeId)?.[1],
  isRemoved: () => false,
};

/** What natsTransport needs to know about member `raftId` and its peers, in these tests. */
export const asMember = (raftId: RaftId) => ({ raftId, nodeId: nodeIdOf(raftId), members: numberedMembers });
