import type { DaemonRequest, DaemonResults } from "../../bus/daemon-contract.ts";
import { humanReadableKey, parseHumanReadableKey } from "../../manager/deks/unlock-key.ts";
import { clusterInfoJson } from "../cluster-info-json.ts";
import { errSwarmNotLocked } from "../errors.ts";
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
      ...(req.autoLock !== undefined ? { autoLockManagers: req.autoLock } : {}),
    },
    ...(req.rotateUnlockKey ? { rotation: { managerUnlockKey: true } } : {}),
  });
  return {};
}

/** moby GetUnlockKey: the managers' unlock key through the control API (SK CA GetUnlockKey). */
export async function swarmUnlockKey(ctx: DaemonContext): Promise<DaemonResults["swarm.unlock-key"]> {
  const key = await ctx.access.control().getUnlockKey();
  return { key: key ? humanReadableKey(key) : "" };
}

/**
 * moby UnlockSwarm: only a locked node takes a key (an active manager is "not
 * locked", any other node the errNoManager that fits); the node starts again
 * with it and the answer says whether it opened the node key.
 */
export async function swarmUnlock(
  ctx: DaemonContext,
  req: DaemonRequest<"swarm.unlock">,
): Promise<DaemonResults["swarm.unlock"]> {
  if (!ctx.rt.isLocked()) {
    ctx.access.manager();
    throw errSwarmNotLocked();
  }
  await ctx.rt.unlock(parseHumanReadableKey(req.key), ctx.profile.joinTimeoutMs);
  return {};
}

export async function swarmInspect(ctx: DaemonContext): Promise<DaemonResults["swarm.inspect"]> {
  return { cluster: clusterInfoJson(await ctx.access.control().clusterInfo()) };
}
