import type { ClusterInfoJson, LocalNodeState, PeerInfo, SwarmInfo } from "../bus/daemon-contract.ts";
import type { TimingProfile } from "../config/profile.ts";
import type { Node__Output } from "../gen/docker/swarmkit/v1/Node.ts";
import type { ClusterInfo } from "../manager/api.ts";
import { deadlineExceeded } from "../manager/proxy/leader-conn.ts";
import { clusterInfoJson } from "./cluster-info-json.ts";
import { TWO_MANAGER_WARNING } from "./errors.ts";

export interface InfoFacts {
  state: LocalNodeState;
  /** moby nodeRunner.err text, "" when none. */
  error: string;
  /** The swarm node exists (running): NodeID and RemoteManagers are shown. */
  nodeId: string | null;
  remoteManagers: readonly PeerInfo[];
  /** The advertise host, else the local address. */
  nodeAddr: string;
  /** Present only for an active manager (control API up). */
  manager: {
    /** ListClusters' answer or its error. */
    cluster: () => ClusterInfo;
    /** ListNodes' answer or its error. */
    nodes: () => Node__Output[];
  } | null;
}

/** What Info asks the control API for (part of ControlClient). */
export interface InfoControl {
  clusterInfo(): Promise<ClusterInfo>;
  listNodes(): Promise<Node__Output[]>;
}

/** moby managerStats' ListNodes timeout (5 s), scaled like every duration of the profile. */
const MANAGER_STATS_TIMEOUT_SWARM_MS = 5_000;
const SWARM_REQUEST_TIMEOUT_MS = 20_000;

export function managerStatsTimeoutMs(p: Pick<TimingProfile, "requestTimeoutMs">): number {
  return (MANAGER_STATS_TIMEOUT_SWARM_MS * p.requestTimeoutMs) / SWARM_REQUEST_TIMEOUT_MS;
}

/**
 * moby Info's two control calls (inspect → ListClusters, then ListNodes), made
 * together with one deadline: their answers or errors, as InfoFacts.manager.
 * Never waits past `timeoutMs` (plus a grace for the reply), whatever the bus does.
 */
export async function controlFacts(c: InfoControl, timeoutMs: number): Promise<NonNullable<InfoFacts["manager"]>> {
  const timers: NodeJS.Timeout[] = [];
  const bound = <T>(p: Promise<T>): Promise<T> =>
    Promise.race([
      p,
      new Promise<never>((_, reject) => {
        timers.push(setTimeout(() => reject(deadlineExceeded()), timeoutMs + INFO_GRACE_MS));
      }),
    ]);
  try {
    const [cluster, nodes] = await Promise.allSettled([bound(c.clusterInfo()), bound(c.listNodes())]);
    return {
      cluster: () => settled(cluster),
      nodes: () => settled(nodes),
    };
  } finally {
    for (const t of timers) clearTimeout(t);
  }
}

/** Extra time a control call's own deadline is given before Info stops waiting for it. */
const INFO_GRACE_MS = 50;

function settled<T>(r: PromiseSettledResult<T>): T {
  if (r.status === "fulfilled") return r.value;
  throw r.reason;
}

/** moby Cluster.Info(): the Swarm part of `docker info`, by moby's rules. */
export function swarmInfo(f: InfoFacts): SwarmInfo {
  const info: SwarmInfo = {
    NodeID: "",
    NodeAddr: f.nodeAddr,
    LocalNodeState: f.state,
    ControlAvailable: false,
    Error: f.error,
    RemoteManagers: null,
  };
  if (f.manager) {
    info.ControlAvailable = true;
    let cluster: ClusterInfoJson | undefined;
    try {
      cluster = clusterInfoJson(f.manager.cluster());
    } catch (e) {
      info.Error = errorText(e);
    }
    try {
      const nodes = f.manager.nodes();
      // omitempty: a count of zero is left out.
      if (nodes.length > 0) info.Nodes = nodes.length;
      const managers = nodes.filter((n) => n.manager_status).length;
      if (managers > 0) info.Managers = managers;
    } catch (e) {
      info.Error = errorText(e);
    }
    // Set after the counts: JSON keeps Go's field order (Nodes, Managers, Cluster, Warnings).
    if (cluster) info.Cluster = cluster;
    if (!["inactive", "locked", "error"].includes(info.LocalNodeState) && info.Managers === 2) {
      info.Warnings = [TWO_MANAGER_WARNING];
    }
  }
  if (f.nodeId !== null) {
    info.NodeID = f.nodeId;
    info.RemoteManagers = f.remoteManagers.map((p) => ({ NodeID: p.NodeID, Addr: p.Addr }));
  }
  return info;
}

function errorText(e: unknown): string {
  if (e && typeof e === "object" && "grpcText" in e && typeof e.grpcText === "string") return e.grpcText;
  return e instanceof Error ? e.message : String(e);
}
