import { type Log, silentLog } from "../log.ts";
import type { RaftNode } from "../raft/node/index.ts";
import type { ManagerHandle, ManagerOptions, StartManager, UpdateClusterRequest } from "./api.ts";
import { bootstrapStore } from "./bootstrap.ts";
import { CAServer } from "./ca-server.ts";
import { ClusterView } from "./cluster-view.ts";
import { nodeControl, raftNodeMembership, refuseRemovedNodes, updateCluster } from "./controlapi/index.ts";
import { serviceControl } from "./controlapi/services.ts";
import { KekRotation } from "./deks/kek-rotation.ts";
import { kekOf } from "./deks/node-kek.ts";
import { Dispatcher } from "./dispatcher.ts";
import { demoteFormerManagers } from "./former-managers.ts";
import { HealthServer } from "./health.ts";
import { Leadership } from "./leadership.ts";
import { serveManagerControlBus } from "./manager-control-bus.ts";
import { serveManagerGrpc } from "./manager-grpc.ts";
import { ManagerListWatch } from "./manager-list.ts";
import { type Running, stopRunning } from "./manager-stop.ts";
import { NodeView } from "./node-view.ts";
import { taskLoops } from "./orchestrator/index.ts";
import { lateRaftLeaderInfo } from "./proxy/index.ts";
import { RaftRemoval } from "./raft-removal.ts";
import { raftStartMode, startManagerRaft } from "./raft-start.ts";
import { leaderSettled, logReplayed, storeHoldsCluster } from "./readiness.ts";
import { RoleManager } from "./role-manager.ts";
import { parseConstraints } from "./scheduler/index.ts";
import { ReplicatedStore } from "./store.ts";

/**
 * A manager (SK: manager/manager.go): a member of the managers' Raft group
 * with the replicated store on top; the dispatcher (with its liveness actors),
 * the CA signer and the role manager run only while this member leads
 * (leadership.ts). Start modes: bootstrap (`swarm init`), restart (a WAL
 * exists: the store is rebuilt by replaying it), join (no Raft data: ask the
 * leader for a Raft ID with the raft join request, then catch up).
 */
export interface ManagerInternals extends ManagerHandle {
  readonly store: ReplicatedStore;
  readonly dispatcher: Dispatcher;
  readonly raft: RaftNode;
}

export async function startManagerInternals(opts: ManagerOptions): Promise<ManagerInternals> {
  const log: Log = opts.log ?? silentLog;
  const profile = opts.profile;
  const store = new ReplicatedStore();
  let raft: RaftNode | undefined;
  const membership = raftNodeMembership(() => raft);
  let advertiseAddr = opts.advertiseAddr;
  const clusterId = () => store.view((tx) => tx.cluster()?.id) ?? opts.clusterId;

  // --- the leader-only components, and the leadership that runs them ---------------------
  const dispatcher = new Dispatcher({
    store,
    credentials: refuseRemovedNodes(opts.credentials, store),
    profile,
    self: () => ({ nodeId: opts.nodeId, addr: advertiseAddr }),
    managers: () => membership.members().map((m) => ({ nodeId: m.nodeId, addr: m.addr })),
    ...(opts.onActor ? { onActor: opts.onActor } : {}),
  });
  const ca = new CAServer(store, clusterId, opts.credentials);
  const roleManager = new RoleManager({
    store,
    raft: membership,
    selfNodeId: opts.nodeId,
    profile,
    ...(opts.log ? { log: opts.log } : {}),
  });
  let formerManagersLeft = opts.forceNewCluster === true;
  const leadership = new Leadership({
    components: [
      dispatcher,
      ...taskLoops({ store, profile, ...(opts.onActor ? { onActor: opts.onActor } : {}), log }),
      ca,
      roleManager,
    ],
    beforeStart: async () => {
      if (opts.bootstrap) {
        await bootstrapStore(
          store,
          {
            nodeId: opts.nodeId,
            clusterId: opts.clusterId,
            hostname: opts.hostname,
            addr: advertiseAddr,
            profile,
            unlockKey: kekOf(opts.swarmDir),
          },
          opts.bootstrapCA,
        );
      }
      // The forced cluster's first leadership: the other managers are workers of it.
      if (formerManagersLeft) {
        const demoted = await demoteFormerManagers(store, () => membership.members().map((m) => m.nodeId));
        formerManagersLeft = false;
        if (demoted.length > 0) opts.log?.info({ demoted }, "manager: the old managers are workers of the new cluster");
      }
    },
    log,
    onStarted: () => opts.log?.info({ nodeId: opts.nodeId, raftId: raft?.raftId }, "manager: became leader"),
  });

  // --- gRPC: every manager serves the raft proxy ------------------------------------------
  const leader = lateRaftLeaderInfo(() => raft);
  const clientCredentials = opts.clientCredentials;
  const health = new HealthServer();
  const grpc = await serveManagerGrpc(opts, { store, dispatcher, ca, health, leader, clientCredentials, clusterId });
  advertiseAddr = grpc.advertiseAddr;
  const running: Running = { leadership, grpc, gracePeriodMs: profile.requestTimeoutMs };

  // --- what the manager answers ------------------------------------------------------------
  const nodes = new NodeView(store, () => raft?.members() ?? []);
  const cluster = new ClusterView(store);
  const control = nodeControl(store, membership);
  const handlers = {
    listNodes: () => nodes.list(),
    getNode: (ref: string) => nodes.get(ref),
    updateNode: control.updateNode,
    removeNode: control.removeNode,
    joinTokens: () => cluster.joinTokens(),
    rotateJoinToken: (role: "worker" | "manager") => cluster.rotateJoinToken(role),
    clusterInfo: () => cluster.info(),
    updateCluster: (req: UpdateClusterRequest) => updateCluster(store, req),
    getUnlockKey: () => cluster.unlockKey(),
    services: serviceControl(store, parseConstraints),
  };

  // --- the Raft member: bootstrap, restart or join ------------------------------------------
  const start = await raftStartMode(opts);
  const removal = new RaftRemoval(log, opts.nodeId, opts.onRemovedFromRaft);
  let settled: Promise<void> = Promise.resolve();
  // SK manager.Run: "Raft" is SERVING before the join, so the leader's health check of this address passes.
  health.setServingStatus("Raft", "SERVING");
  try {
    raft = await startManagerRaft(opts, start, {
      store,
      advertiseAddr,
      log,
      events: {
        onLeadership: (leads) => leadership.roleChanged(leads),
        onRemoved: () => {
          removal.announce();
          leadership.memberGone();
        },
        onFatal: (e) => {
          log.error({ err: e.message }, "manager: raft stopped on a fatal error");
          // Not ready any more: "Raft" stops serving, the leader-only components stop, the owner stops the rest.
          health.setServingStatus("Raft", "NOT_SERVING");
          leadership.memberGone();
          opts.onFatal?.(e);
        },
        ...(opts.onActor ? { onActor: opts.onActor } : {}),
      },
    });
    running.raft = raft;
    if (opts.nc) {
      running.controlBus = serveManagerControlBus({
        nc: opts.nc,
        clusterId: opts.clusterId,
        nodeId: opts.nodeId,
        raft,
        advertiseAddr,
        leader,
        handlers,
        store,
        clientCredentials,
        profile,
        log,
      });
    }
    leadership.attach(raft);
    await storeHoldsCluster(
      store,
      start.mode,
      profile.joinTimeoutMs + profile.raftTickMs * profile.raftElectionTicks * 2,
    );
    if (start.mode === "restart") await logReplayed(raft, store, profile.raftTickMs, profile.joinTimeoutMs);
    // SK manager.Run serves the control API once Raft has started, leader or not: a member restarted
    // among others may have no quorum, and is a manager at once (`Is Manager: true`, the lost-quorum
    // error); its node's agent waits for the leader. A new member, or a lone one (it campaigns at
    // once), waits for its leader here, so its agent's first session does not back off. A member
    // that learns it was removed (an old manager after a --force-new-cluster) has no leader to wait for.
    settled = Promise.race([
      leaderSettled(raft, leadership, profile.raftTickMs * profile.raftElectionTicks * 3),
      removal.happened,
    ]);
    if (start.mode !== "restart" || raft.members().length === 1) await settled;
  } catch (e) {
    await stopRunning(running);
    throw e;
  }
  const member = raft;
  running.managerList = new ManagerListWatch(
    () => membership.members(),
    () => dispatcher.managersChanged(),
    (fn) => member.onMembershipChange(fn),
  );
  running.managerList.start();
  const kek = new KekRotation(opts.swarmDir, log);
  const currentCluster = () => kek.observe(store.view((tx) => tx.cluster()));
  currentCluster();
  const unwatchRestores = store.onRestore(currentCluster);
  const unwatchChanges = store.watch((e) => {
    if (e.kind === "node" && e.action === "delete") dispatcher.nodeRemoved(e.node.id);
    if (e.kind === "cluster") kek.observe(e.cluster);
  });
  running.unwatchDeletes = () => {
    unwatchChanges();
    unwatchRestores();
  };

  let stopping: Promise<void> | undefined;
  return {
    store,
    dispatcher,
    raft: member,
    listenAddr: grpc.server.listenAddr,
    advertiseAddr,
    ...handlers,
    rootCACertificate: () => cluster.rootCACertificate(),
    isLeader: () => member.isLeader(),
    raftId: () => member.raftId,
    leaderSettled: settled,
    stop() {
      stopping ??= stopRunning(running);
      return stopping;
    },
  };
}

export const startManager: StartManager = startManagerInternals;
