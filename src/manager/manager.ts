import { generateJoinToken } from "../ca/join-token.ts";
import type { Node__Output } from "../gen/docker/swarmkit/v1/Node.ts";
import { rpcError } from "../rpc/status.ts";
import type { ClusterInfo, JoinTokens, ManagerHandle, ManagerOptions, StartManager } from "./api.ts";
import { bootstrapCluster } from "./bootstrap.ts";
import { CAServer } from "./ca-server.ts";
import type { ClusterObject } from "./cluster-object.ts";
import { nodeControl, refuseRemovedNodes, singleManagerMembership } from "./controlapi/index.ts";
import { Dispatcher } from "./dispatcher.ts";
import { effectiveAdvertiseAddr, serveManager } from "./grpc-server.ts";
import { findNode } from "./node-lookup.ts";
import { RoleManager } from "./role-manager.ts";
import { createMemoryStore, type Store } from "./store.ts";
import { loadSnapshot, saveSnapshot } from "./store-file.ts";

/**
 * A manager as the leader of a one-member cluster: the store (persisted under
 * <swarmDir>/manager/ until Raft lands), the dispatcher with its liveness
 * actors, the CA server, all on one gRPC server.
 */
export interface ManagerInternals extends ManagerHandle {
  readonly store: Store;
  readonly dispatcher: Dispatcher;
  /** The swarm's root CA certificate (what GetRootCACertificate serves; swarm-root-ca.crt). */
  rootCACertificate(): Buffer;
}

function toClusterInfo(c: ClusterObject): ClusterInfo {
  return {
    id: c.id,
    name: c.spec.name,
    createdAt: c.createdAt,
    updatedAt: c.updatedAt,
    heartbeatPeriodMs: c.spec.dispatcher.heartbeatPeriodMs,
    taskHistoryRetentionLimit: c.spec.orchestration.taskHistoryRetentionLimit,
    snapshotInterval: c.spec.raft.snapshotInterval,
    keepOldSnapshots: c.spec.raft.keepOldSnapshots,
    heartbeatTick: c.spec.raft.heartbeatTick,
    electionTick: c.spec.raft.electionTick,
    nodeCertExpiryMs: c.spec.caConfig.nodeCertExpiryMs,
    rootRotationInProgress: false,
  };
}

export async function startManagerInternals(opts: ManagerOptions): Promise<ManagerInternals> {
  const store = createMemoryStore({
    initial: loadSnapshot(opts.swarmDir),
    commit: (snapshot) => saveSnapshot(opts.swarmDir, snapshot),
  });
  if (!opts.bootstrap && !store.view((tx) => tx.cluster())) {
    // A promoted worker has no copy of the cluster: it would have to join the managers' Raft group.
    throw rpcError(
      "Unimplemented",
      "raft: joining the raft cluster of the existing managers is not supported yet (single-manager swarm until multi-manager Raft lands)",
    );
  }
  let advertiseAddr = opts.advertiseAddr;
  const raft = singleManagerMembership(() => ({
    nodeId: opts.nodeId,
    raftId: store.view((tx) => tx.node(opts.nodeId)?.manager_status?.raft_id) || "1",
    addr: advertiseAddr,
  }));
  const control = nodeControl(store, raft);
  const dispatcher = new Dispatcher({
    store,
    credentials: refuseRemovedNodes(opts.credentials, store),
    profile: opts.profile,
    self: () => ({ nodeId: opts.nodeId, addr: advertiseAddr }),
    ...(opts.onActor ? { onActor: opts.onActor } : {}),
  });
  const clusterId = () => store.view((tx) => tx.cluster()?.id) ?? opts.clusterId;
  const ca = new CAServer(store, clusterId);
  const bound = await serveManager(opts.listenAddr, opts.credentials, {
    dispatcher: dispatcher.handlers(),
    nodeCA: ca.nodeCAHandlers(),
    rootCA: ca.rootCAHandlers(),
  });
  advertiseAddr = effectiveAdvertiseAddr(opts.listenAddr, opts.advertiseAddr, bound.listenAddr);

  if (opts.bootstrap) {
    store.update((tx) =>
      bootstrapCluster(tx, {
        nodeId: opts.nodeId,
        clusterId: opts.clusterId,
        hostname: opts.hostname,
        addr: advertiseAddr,
        profile: opts.profile,
      }),
    );
  }
  store.update((tx) => {
    const self = tx.node(opts.nodeId);
    if (self?.manager_status && self.manager_status.addr !== advertiseAddr) {
      tx.putNode({ ...self, manager_status: { ...self.manager_status, addr: advertiseAddr } });
    }
  });
  const unwatchDeletes = store.watch((e) => {
    if (e.kind === "node" && e.action === "delete") dispatcher.nodeRemoved(e.node.id);
  });
  ca.start();
  dispatcher.start();
  const roleManager = new RoleManager({
    store,
    raft,
    selfNodeId: opts.nodeId,
    profile: opts.profile,
    ...(opts.log ? { log: opts.log } : {}),
  });
  roleManager.start();

  const withManagerStatus = (n: Node__Output): Node__Output =>
    n.id === opts.nodeId
      ? {
          ...n,
          manager_status: {
            raft_id: n.manager_status?.raft_id ?? "1",
            addr: advertiseAddr,
            leader: true,
            reachability: "REACHABLE",
          },
        }
      : n;
  const cluster = (): ClusterObject => {
    const c = store.view((tx) => tx.cluster());
    if (!c) throw rpcError("Unavailable", "cluster object not found");
    return c;
  };
  let stopped: Promise<void> | undefined;

  return {
    store,
    dispatcher,
    listenAddr: bound.listenAddr,
    advertiseAddr,
    listNodes: () =>
      store
        .view((tx) => tx.nodes())
        .map(withManagerStatus)
        .sort((a, b) => a.id.localeCompare(b.id)),
    getNode: (ref) =>
      withManagerStatus(
        findNode(
          store.view((tx) => tx.nodes()),
          ref,
        ),
      ),
    joinTokens: (): JoinTokens => ({ ...cluster().rootCA.joinTokens }),
    rotateJoinToken(role) {
      const c = cluster();
      const token = generateJoinToken(c.rootCA.caCert);
      const updated = store.update((tx) =>
        tx.putCluster({ ...c, rootCA: { ...c.rootCA, joinTokens: { ...c.rootCA.joinTokens, [role]: token } } }),
      );
      return { ...updated.rootCA.joinTokens };
    },
    clusterInfo: () => toClusterInfo(cluster()),
    updateNode: async (req) => control.updateNode(req),
    removeNode: async (req) => control.removeNode(req),
    rootCACertificate: () => cluster().rootCA.caCert,
    stop() {
      stopped ??= (async () => {
        unwatchDeletes();
        roleManager.stop();
        dispatcher.stop();
        ca.stop();
        await bound.shutdown(opts.profile.requestTimeoutMs);
      })();
      return stopped;
    },
  };
}

export const startManager: StartManager = startManagerInternals;
