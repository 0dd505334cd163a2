import type { ReplicatedStore } from "./store.ts";

/**
 * `swarm init --force-new-cluster` leaves one Raft member, the survivor; the
 * other managers' node objects would still say manager. As Docker shows it,
 * they are workers of the new cluster from its first leadership on: desired
 * and observed role WORKER, no manager status. So `info` counts one manager,
 * an old manager restarted on its old state (its Raft ID refused) gets the
 * worker role from its session and stays a worker, and `node promote` brings
 * it back as a new Raft member.
 *
 * A promotion still pending (desired MANAGER, observed WORKER) is left to the
 * role manager. Returns the IDs of the nodes demoted (none when the store has
 * no other manager, e.g. a --force-new-cluster on a node with no swarm).
 */
export async function demoteFormerManagers(
  store: ReplicatedStore,
  raftMembers: () => readonly string[],
): Promise<string[]> {
  const demoted: string[] = [];
  await store.update((tx) => {
    const members = new Set(raftMembers());
    for (const n of tx.nodes()) {
      if (members.has(n.id) || n.role !== "MANAGER") continue;
      tx.putNode({
        ...n,
        role: "WORKER",
        spec: n.spec ? { ...n.spec, desired_role: "WORKER" } : n.spec,
        manager_status: null,
      });
      demoted.push(n.id);
    }
  });
  return demoted;
}
