import type { Node__Output } from "../../gen/docker/swarmkit/v1/Node.ts";
import type { UpdateNodeRequest } from "../api.ts";
import type { Store } from "../store.ts";
import {
  errDemoteLastManager,
  errDemoteLosesQuorum,
  errInvalidArgument,
  errNodeNotFound,
  errNotInRaftMemberlist,
  errSequenceConflict,
} from "./errors.ts";
import type { RaftMembership } from "./raft-membership.ts";

/**
 * SK controlapi UpdateNode: replace a node's spec at the version it was read.
 * Only a MANAGER → WORKER change of the desired role is checked (last manager
 * by observed role, raft membership, quorum); promotion is not.
 */
export async function updateNode(
  store: Store,
  raft: RaftMembership | null,
  req: UpdateNodeRequest,
): Promise<Node__Output> {
  if (req.nodeId === "" || req.version === undefined || req.version === "" || !req.spec) throw errInvalidArgument();
  const spec = req.spec;
  const version = req.version;
  // A demotion's quorum check must see a manager that died since the last heartbeat.
  if (spec.desired_role === "WORKER") await raft?.refreshReachability?.();
  return store.update((tx) => {
    const node = tx.node(req.nodeId);
    if (!node) throw errNodeNotFound(req.nodeId);
    if (node.spec?.desired_role === "MANAGER" && spec.desired_role === "WORKER") {
      const managers = tx.nodes().filter((n) => n.role === "MANAGER");
      if (managers.length === 1 && managers[0]?.id === node.id) throw errDemoteLastManager();
      const member = raft?.memberOf(node.id);
      if (!member) throw errNotInRaftMemberlist();
      if (!raft?.canRemoveMember(member.raftId)) throw errDemoteLosesQuorum();
    }
    if (node.meta?.version?.index !== version) throw errSequenceConflict();
    return tx.putNode({ ...node, spec: { ...spec } });
  });
}
