import type { Node__Output } from "../gen/docker/swarmkit/v1/Node.ts";

/** moby managerStats: this node reachable?, reachable and unreachable managers. */
export interface ManagerStats {
  current: boolean;
  reachable: number;
  unreachable: number;
}

export function managerStats(nodes: readonly Node__Output[], selfId: string): ManagerStats {
  let current = false;
  let reachable = 0;
  let unreachable = 0;
  for (const n of nodes) {
    const r = n.manager_status?.reachability;
    if (r === "REACHABLE") {
      reachable++;
      if (n.id === selfId) current = true;
    } else if (r === "UNREACHABLE") {
      unreachable++;
    }
  }
  return { current, reachable, unreachable };
}

/**
 * What `swarm leave` without --force answers on a manager (MOBY: daemon/cluster/swarm.go
 * Leave): always an error; `stats` is null when the manager is not active (or
 * its node list could not be read).
 */
export function managerLeaveMessage(active: boolean, stats: ManagerStats | null): string {
  let msg = "You are attempting to leave the swarm on a node that is participating as a manager. ";
  if (active) {
    if (stats?.current && stats.reachable - 2 <= stats.unreachable) {
      if (stats.reachable === 1 && stats.unreachable === 0) {
        return `${msg}Removing the last manager erases all current state of the swarm. Use \`--force\` to ignore this message. `;
      }
      msg += `Removing this node leaves ${stats.reachable - 1} managers out of ${stats.reachable + stats.unreachable}. Without a Raft quorum your swarm will be inaccessible. `;
    }
  } else {
    msg += "Doing so may lose the consensus of your cluster. ";
  }
  return `${msg}The only way to restore a swarm that has lost consensus is to reinitialize it with \`--force-new-cluster\`. Use \`--force\` to suppress this message.`;
}
