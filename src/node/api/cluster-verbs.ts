import type { DaemonRequest, DaemonResults } from "../../bus/daemon-contract.ts";
import { clusterInfoJson } from "../cluster-info-json.ts";
import type { DaemonContext } from "./context.ts";

/*
 * `docker swarm update` and `docker swarm inspect` (what `swarm ca` reads):
 * control API calls through this node's manager, as moby's Update and Inspect.
 */

/** moby Update: the cluster read, the flags given merged in, sent back at the version it was read. */
export async function swarmUpdate(
  ctx: DaemonContext,
  req: DaemonRequest<"swarm.update">,
): Promise<DaemonResults["swarm.update"]> {
  const c = ctx.access.control();
  const cluster = await c.clusterInfo();
  await c.updateCluster({
    clusterId: cluster.id,
    version: cluster.version,
    change: {
      ...(req.taskHistoryLimit !== undefined ? { taskHistoryRetentionLimit: req.taskHistoryLimit } : {}),
      ...(req.dispatcherHeartbeatMs !== undefined ? { heartbeatPeriodMs: req.dispatcherHeartbeatMs } : {}),
      ...(req.certExpiryMs !== undefined ? { nodeCertExpiryMs: req.certExpiryMs } : {}),
      ...(req.snapshotInterval !== undefined ? { snapshotInterval: req.snapshotInterval } : {}),
      ...(req.maxSnapshots !== undefined ? { keepOldSnapshots: req.maxSnapshots } : {}),
    },
  });
  return {};
}

export async function swarmInspect(ctx: DaemonContext): Promise<DaemonResults["swarm.inspect"]> {
  return { cluster: clusterInfoJson(await ctx.access.control().clusterInfo()) };
}
