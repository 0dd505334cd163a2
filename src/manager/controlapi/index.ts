import type { Node__Output } from "../../gen/docker/swarmkit/v1/Node.ts";
import type { RemoveNodeRequest, UpdateNodeRequest } from "../api.ts";
import type { Store } from "../store.ts";
import type { RaftMembership } from "./raft-membership.ts";
import { removeNode } from "./remove-node.ts";
import { updateNode } from "./update-node.ts";

export {
  type NodeSpecChange,
  type NodeSpecUpdate,
  removeNodeByRef,
  setDesiredRole,
  updateNodeSpec,
} from "./node-commands.ts";
export { missingLabelMessage } from "./node-labels.ts";
export type { RaftMember, RaftMembership } from "./raft-membership.ts";
export {
  canRemoveMember,
  ERR_CANNOT_REMOVE_MEMBER,
  type RaftNodeLike,
  raftNodeMembership,
  singleManagerMembership,
} from "./raft-membership.ts";
export { refuseRemovedNodes } from "./removed-node-guard.ts";
export { MIN_NODE_CERT_EXPIRY_MS, updateCluster } from "./update-cluster.ts";
export { removeNode, updateNode };

/** The node part of SwarmKit's control API over the store and the raft memberlist (null: no raft access). */
export interface NodeControl {
  updateNode(req: UpdateNodeRequest): Promise<Node__Output>;
  removeNode(req: RemoveNodeRequest): Promise<void>;
}

export function nodeControl(store: Store, raft: RaftMembership | null): NodeControl {
  return {
    updateNode: (req) => updateNode(store, raft, req),
    removeNode: (req) => removeNode(store, raft, req),
  };
}
