import type { RemoveNodeRequest } from "../api.ts";
import type { Store, WriteTx } from "../store.ts";
import { taskStateOrder } from "../task-state.ts";
import {
  errClusterNotFound,
  errInvalidArgument,
  errManagerWithoutRaft,
  errNodeNotDown,
  errNodeNotFound,
  errRemoveRaftMember,
  TASK_ORPHANED_MESSAGE,
} from "./errors.ts";
import type { RaftMembership } from "./raft-membership.ts";

/**
 * SK controlapi RemoveNode: a manager must be demoted (and out of Raft) first;
 * a READY node needs force. The node's ID goes on the cluster's blacklist (its
 * later RPCs are refused), its unfinished tasks become ORPHANED, the node goes.
 */
export function removeNode(
  store: Store,
  raft: RaftMembership | null,
  req: RemoveNodeRequest,
  now: () => Date = () => new Date(),
): Promise<void> {
  if (req.nodeId === "") return Promise.reject(errInvalidArgument());
  return store.update((tx) => {
    const node = tx.node(req.nodeId);
    if (!node) throw errNodeNotFound(req.nodeId);
    if (node.spec?.desired_role === "MANAGER") {
      if (!raft) throw errManagerWithoutRaft(req.nodeId);
      if (raft.memberOf(req.nodeId)) throw errRemoveRaftMember(req.nodeId);
    }
    if (!req.force && node.status?.state === "READY") throw errNodeNotDown(req.nodeId);
    const cluster = tx.cluster();
    if (!cluster) throw errClusterNotFound();
    // The identity "certificate" carries no NotAfter; SwarmKit leaves Expiry nil when it cannot parse one.
    tx.putCluster({
      ...cluster,
      blacklistedCertificates: { ...cluster.blacklistedCertificates, [node.id]: { expiry: null } },
    });
    orphanNodeTasks(tx, node.id, now());
    tx.deleteNode(node.id);
  });
}

/** Tasks of the node not yet COMPLETE (or further) become ORPHANED. */
function orphanNodeTasks(tx: WriteTx, nodeId: string, at: Date): void {
  const ms = at.getTime();
  for (const task of tx.tasks()) {
    if (task.node_id !== nodeId) continue;
    if (taskStateOrder(task.status?.state ?? "NEW") >= taskStateOrder("COMPLETE")) continue;
    tx.putTask({
      ...task,
      status: {
        ...(task.status ?? emptyStatus()),
        state: "ORPHANED",
        message: TASK_ORPHANED_MESSAGE,
        timestamp: { seconds: String(Math.floor(ms / 1000)), nanos: (ms % 1000) * 1_000_000 },
      },
    });
  }
}

function emptyStatus() {
  return {
    timestamp: null,
    state: "NEW" as const,
    message: "",
    err: "",
    container: null,
    applied_by: "",
    applied_at: null,
  };
}
