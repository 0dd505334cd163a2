import type { DaemonRequest, DaemonResults } from "../../bus/daemon-contract.ts";
import {
  errLeaveLocked,
  errLeaveManager,
  errNoSwarm,
  errSwarmExists,
  errSwarmJoinTimeoutReached,
  errSwarmNotManager,
} from "../errors.ts";
import { managerStatsTimeoutMs } from "../info.ts";
import { type ManagerStats, managerStats } from "../leave-message.ts";
import type { DaemonContext } from "./context.ts";

/** moby Init: a new cluster, or with --force-new-cluster on a manager, its node restarted as a one-member cluster. */
export async function init(ctx: DaemonContext, req: DaemonRequest<"init">): Promise<DaemonResults["init"]> {
  const { rt } = ctx;
  if (!rt.isInactive()) {
    if (!req.forceNewCluster) throw errSwarmExists();
    if (!rt.isManager()) throw errSwarmNotManager();
    await rt.forceNewCluster(ctx.stopTimeoutMs);
  } else {
    // With no swarm, --force-new-cluster initializes a new one, as moby does.
    await rt.init({
      ...(req.listenAddr ? { listenAddr: req.listenAddr } : {}),
      ...(req.advertiseAddr ? { advertiseAddr: req.advertiseAddr } : {}),
      ...(req.autoLock ? { autoLockManagers: true } : {}),
    });
  }
  const m = ctx.access.manager();
  return {
    nodeId: rt.state.identity?.nodeId ?? "",
    workerToken: m.joinTokens().worker,
    advertiseAddr: m.advertiseAddr,
  };
}

/** moby Join: waits for the node to be ready, at most joinTimeoutMs; the join goes on after that. */
export async function join(ctx: DaemonContext, req: DaemonRequest<"join">): Promise<DaemonResults["join"]> {
  const { rt } = ctx;
  if (!rt.isInactive()) throw errSwarmExists();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<"timeout">((resolve) => {
    timer = setTimeout(() => resolve("timeout"), ctx.profile.joinTimeoutMs);
  });
  try {
    const outcome = await Promise.race([
      rt.joinSwarm({
        token: req.token,
        remoteAddr: req.remoteAddr,
        ...(req.listenAddr ? { listenAddr: req.listenAddr } : {}),
        ...(req.advertiseAddr ? { advertiseAddr: req.advertiseAddr } : {}),
      }),
      timeout,
    ]);
    if (outcome === "timeout") {
      rt.callerGaveUp();
      throw errSwarmJoinTimeoutReached();
    }
  } finally {
    clearTimeout(timer);
  }
  return { role: rt.activeManager() ? "manager" : "worker" };
}

/** moby Leave: a manager leaves only with --force; the warning it answers otherwise counts the managers. */
export async function leave(ctx: DaemonContext, req: DaemonRequest<"leave">): Promise<DaemonResults["leave"]> {
  const { rt } = ctx;
  if (rt.isInactive()) throw errNoSwarm();
  if (rt.isLocked() && !req.force) throw errLeaveLocked();
  if (rt.isManager() && !req.force) {
    const m = rt.activeManager();
    throw errLeaveManager(m !== null, m ? await leaveStats(ctx) : null);
  }
  await rt.leave();
  return {};
}

/** moby managerStats: ListNodes through the control API (the leader's view), with its own timeout. */
async function leaveStats(ctx: DaemonContext): Promise<ManagerStats | null> {
  const clusterId = ctx.rt.state.identity?.clusterId;
  if (!clusterId) return null;
  const c = ctx.access.within(managerStatsTimeoutMs(ctx.profile));
  return c.listNodes().then(
    (nodes) => managerStats(nodes, ctx.rt.state.identity?.nodeId ?? ""),
    () => null,
  );
}

export async function joinToken(
  ctx: DaemonContext,
  req: DaemonRequest<"join-token">,
): Promise<DaemonResults["join-token"]> {
  const m = ctx.access.manager();
  const c = ctx.access.control();
  const tokens = req.rotate ? await c.rotateJoinToken(req.role) : await c.joinTokens();
  return { role: req.role, token: tokens[req.role], advertiseAddr: m.advertiseAddr };
}
