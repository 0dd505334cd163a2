import type { DaemonResults, LocalNodeState, SwarmInfo } from "../../bus/daemon-contract.ts";
import { nodeAddrOf } from "../addresses.ts";
import { controlFacts, managerStatsTimeoutMs, swarmInfo } from "../info.ts";
import type { DaemonContext } from "./context.ts";

/**
 * moby Info: an active manager's cluster and nodes come through the control
 * API (so a follower shows the leader's view and a manager without quorum
 * shows the error), bounded by moby's managerStats timeout.
 */
export async function info(ctx: DaemonContext): Promise<SwarmInfo> {
  const { rt } = ctx;
  const m = rt.activeManager();
  const clusterId = rt.state.identity?.clusterId;
  const timeoutMs = managerStatsTimeoutMs(ctx.profile);
  const facts = m && clusterId ? await controlFacts(ctx.access.within(timeoutMs), timeoutMs) : null;
  const running = rt.hasSwarmNode();
  const { startConfig, identity } = rt.state;
  return swarmInfo({
    state: String(rt.clusterState.getSnapshot().value) as LocalNodeState,
    error: rt.clusterState.getSnapshot().context.error,
    nodeId: running ? (identity?.nodeId ?? "") : null,
    remoteManagers: rt.remoteManagers(),
    nodeAddr: rt.isInactive() ? "" : nodeAddrOf(m?.advertiseAddr ?? startConfig.AdvertiseAddr, startConfig.ListenAddr),
    manager: m ? facts : null,
  });
}

/** The last transition of every actor of this daemon (the dashboard's first picture). */
export async function actors(ctx: DaemonContext): Promise<DaemonResults["actors"]> {
  return { actors: ctx.transitions() };
}
