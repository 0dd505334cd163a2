import { insecureClientCredentials } from "../ca/insecure-credentials.ts";
import { generateJoinToken } from "../ca/join-token.ts";
import type { Node__Output } from "../gen/docker/swarmkit/v1/Node.ts";
import { type Log, silentLog } from "../log.ts";
import type { RaftNode } from "../raft/node/index.ts";
import { rpcError, toRpcError } from "../rpc/status.ts";
import type { ClusterInfo, JoinTokens, ManagerHandle, ManagerOptions, StartManager } from "./api.ts";
import { bootstrapCluster, newRaftId } from "./bootstrap.ts";
import { CAServer } from "./ca-server.ts";
import type { ClusterObject } from "./cluster-object.ts";
import { type ControlBusServer, type RaftJoinResponse, serveControlBus } from "./control-bus/index.ts";
import { nodeControl, raftNodeMembership, refuseRemovedNodes } from "./controlapi/index.ts";
import { Dispatcher } from "./dispatcher.ts";
import { effectiveAdvertiseAddr, serveManager } from "./grpc-server.ts";
import { HealthServer } from "./health.ts";
import { findNode } from "./node-lookup.ts";
import { type LeaderInfo, leaderProxy, raftLeaderInfo } from "./proxy/index.ts";
import { savedRaftId, startRaftMember } from "./raft-backend.ts";
import { answerJoin, joinRaft, raftInitError } from "./raft-join.ts";
import { RoleManager } from "./role-manager.ts";
import { ReplicatedStore } from "./store.ts";

/**
 * A manager (SK: manager/manager.go): a member of the managers' Raft group
 * with the replicated store on top; the dispatcher (with its liveness actors),
 * the CA signer and the role manager run only while this member leads
 * (becomeLeader / becomeFollower). Start modes: bootstrap (`swarm init`),
 * restart (a WAL exists: the store is rebuilt by replaying it), join (no Raft
 * data: ask the leader for a Raft ID with the raft join request, then catch up).
 */
export interface ManagerInternals extends ManagerHandle {
  readonly store: ReplicatedStore;
  readonly dispatcher: Dispatcher;
  readonly raft: RaftNode;
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

/** Resolves once `pred` holds, checking every `intervalMs`; rejects with `err()` after `timeoutMs`. */
function until(pred: () => boolean, intervalMs: number, timeoutMs: number, err: () => Error): Promise<void> {
  if (pred()) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const deadline = Date.now() + timeoutMs;
    const t = setInterval(() => {
      if (pred()) {
        clearInterval(t);
        resolve();
      } else if (Date.now() >= deadline) {
        clearInterval(t);
        reject(err());
      }
    }, intervalMs);
  });
}

export async function startManagerInternals(opts: ManagerOptions): Promise<ManagerInternals> {
  const log: Log = opts.log ?? silentLog;
  const profile = opts.profile;
  const store = new ReplicatedStore();
  let raft: RaftNode | undefined;
  const membership = raftNodeMembership(() => raft);
  const control = nodeControl(store, membership);
  let advertiseAddr = opts.advertiseAddr;
  const dispatcher = new Dispatcher({
    store,
    credentials: refuseRemovedNodes(opts.credentials, store),
    profile,
    self: () => ({ nodeId: opts.nodeId, addr: advertiseAddr }),
    managers: () => membership.members().map((m) => ({ nodeId: m.nodeId, addr: m.addr })),
    ...(opts.onActor ? { onActor: opts.onActor } : {}),
  });
  const clusterId = () => store.view((tx) => tx.cluster()?.id) ?? opts.clusterId;
  const ca = new CAServer(store, clusterId);
  const roleManager = new RoleManager({
    store,
    raft: membership,
    selfNodeId: opts.nodeId,
    profile,
    ...(opts.log ? { log: opts.log } : {}),
  });
  // Leadership facts for the relays, from the Raft member once it runs.
  let leaderFacts: LeaderInfo | undefined;
  const leader: LeaderInfo = {
    isLeader: () => leaderFacts?.isLeader() ?? false,
    leaderId: () => leaderFacts?.leaderId(),
    leaderAddr: () => leaderFacts?.leaderAddr(),
    ticksWithNoLeader: () => leaderFacts?.ticksWithNoLeader() ?? 0,
    lostQuorum: () => leaderFacts?.lostQuorum() ?? false,
  };
  const clientCredentials =
    opts.clientCredentials ??
    insecureClientCredentials({ nodeId: opts.nodeId, role: "swarm-manager", clusterId: opts.clusterId });
  const health = new HealthServer();
  // Every manager serves the raft proxy: the leader its own handlers, a follower relays to the leader.
  const proxy = leaderProxy({
    local: {
      dispatcher: dispatcher.handlers(),
      nodeCA: ca.nodeCAHandlers(),
      rootCA: ca.rootCAHandlers(),
      health: health.handlers(refuseRemovedNodes(opts.credentials, store)),
    },
    leader,
    profile,
    clientCredentials,
    serverCredentials: opts.credentials,
    clusterId,
  });
  const bound = await serveManager(opts.listenAddr, opts.credentials, proxy.services);
  advertiseAddr = effectiveAdvertiseAddr(opts.listenAddr, opts.advertiseAddr, bound.listenAddr);

  // --- leadership: leader-only components follow RaftNode.isLeader() --------------------
  let stopped = false;
  let leading = false;
  /** The leader-only components run. */
  let leaderReady = false;
  let transition: Promise<void> = Promise.resolve();
  const becomeLeader = async () => {
    if (opts.bootstrap && !store.view((tx) => tx.cluster())) {
      await store.update((tx) =>
        bootstrapCluster(tx, {
          nodeId: opts.nodeId,
          clusterId: opts.clusterId,
          hostname: opts.hostname,
          addr: advertiseAddr,
          profile,
        }),
      );
    }
    if (!leading || stopped) return;
    dispatcher.start();
    ca.start();
    roleManager.start();
    leaderReady = true;
    opts.log?.info({ nodeId: opts.nodeId, raftId: raft?.raftId }, "manager: became leader");
  };
  const becomeFollower = () => {
    leaderReady = false;
    roleManager.stop();
    dispatcher.stop();
    ca.stop();
  };
  const syncLeadership = () => {
    const now = !stopped && (raft?.isLeader() ?? false);
    if (now === leading) return;
    leading = now;
    transition = transition.then(async () => {
      if (leading && now) {
        try {
          await becomeLeader();
        } catch (e) {
          log.warn({ err: toRpcError(e).message }, "manager: becoming leader failed");
        }
      } else if (!now) {
        becomeFollower();
      }
    });
  };
  // The managers list sent to agents follows the raft memberlist.
  let memberSignature = "";
  const syncMembers = () => {
    const sig = membership
      .members()
      .map((m) => `${m.raftId}=${m.nodeId}@${m.addr}`)
      .sort()
      .join(",");
    if (sig === memberSignature) return;
    memberSignature = sig;
    dispatcher.managersChanged();
  };
  // A leader is announced before it applied its term's first entry; poll briefly until it has.
  let fastPoll: NodeJS.Timeout | undefined;
  const onLeadership = (leader: boolean) => {
    clearInterval(fastPoll);
    fastPoll = undefined;
    syncLeadership();
    if (leader && !leading) {
      fastPoll = setInterval(() => {
        syncLeadership();
        // (Before RaftNode.start returns, `raft` is not set yet: keep polling.)
        if (leading || stopped || (raft && raft.leaderId() !== raft.raftId)) {
          clearInterval(fastPoll);
          fastPoll = undefined;
        }
      }, 5);
    }
  };
  let removedAnnounced = false;
  const onRemoved = () => {
    if (removedAnnounced) return;
    removedAnnounced = true;
    log.warn({ nodeId: opts.nodeId }, "manager removed from raft cluster, stopping manager");
    queueMicrotask(() => opts.onRemovedFromRaft?.());
  };

  // --- the Raft member: bootstrap, restart or join ----------------------------------------
  const saved = await savedRaftId(opts.swarmDir);
  const mode = saved ? "restart" : opts.bootstrap ? "bootstrap" : "join";
  let raftId = saved ?? newRaftId();
  let joined: RaftJoinResponse | undefined;
  let controlBus: ControlBusServer | undefined;
  // SK manager.Run: "Raft" is SERVING before the join, so the leader's health check of this address passes.
  health.setServingStatus("Raft", "SERVING");
  try {
    if (mode === "join") {
      if (!opts.nc) throw rpcError("FailedPrecondition", "manager: joining other managers needs the NATS connection");
      joined = await joinRaft(opts, advertiseAddr).catch((e: unknown) => {
        throw raftInitError(e);
      });
      raftId = joined.raftId;
    }
    raft = await startRaftMember({
      swarmDir: opts.swarmDir,
      clusterId: opts.clusterId,
      self: { raftId, nodeId: opts.nodeId, addr: advertiseAddr },
      profile,
      store,
      nc: opts.nc,
      mode,
      ...(opts.forceNewCluster ? { forceNewCluster: true } : {}),
      onLeadership,
      onRemoved,
      onFatal: (e) => log.error({ err: e.message }, "manager: raft stopped on a fatal error"),
      log,
      ...(opts.onActor ? { onActor: opts.onActor } : {}),
    });
    const member = raft;
    leaderFacts = raftLeaderInfo(member);
    if (opts.nc) {
      // The control API on NATS (every manager; a follower forwards to the leader), raft Join included.
      controlBus = serveControlBus({
        nc: opts.nc,
        clusterId: opts.clusterId,
        self: { raftId: member.raftId, addr: advertiseAddr },
        leader,
        handlers: {
          listNodes: () => handle.listNodes(),
          getNode: (ref) => handle.getNode(ref),
          updateNode: (req) => handle.updateNode(req),
          removeNode: (req) => handle.removeNode(req),
          joinTokens: () => handle.joinTokens(),
          rotateJoinToken: (role) => handle.rotateJoinToken(role),
          clusterInfo: () => handle.clusterInfo(),
          raftJoin: (req) =>
            answerJoin(
              {
                raft: member,
                store,
                credentials: clientCredentials,
                healthCheckTimeoutMs: profile.raftJoinHealthCheckTimeoutMs,
              },
              req,
            ),
        },
        profile,
        log,
      });
    }
    syncLeadership();
    // Ready once the store holds the cluster: bootstrapped, replayed from the WAL, or caught up from the leader.
    await until(
      () => store.view((tx) => tx.cluster()) !== undefined,
      10,
      profile.joinTimeoutMs + profile.raftTickMs * profile.raftElectionTicks * 2,
      () =>
        rpcError(
          "DeadlineExceeded",
          mode === "join"
            ? "context deadline exceeded: the new manager did not catch up with the leader's log"
            : "context deadline exceeded: the store was not rebuilt from the raft log",
        ),
    );
    // Soft wait: a leader is known (and if it is this member, its components run). A member
    // restarted without quorum starts anyway, as SwarmKit's does, and its control calls wait.
    await until(
      () => raft !== undefined && raft.leaderId() !== "0" && (!raft.isLeader() || leaderReady),
      10,
      profile.raftTickMs * profile.raftElectionTicks * 3,
      () => new Error("no leader yet"),
    ).catch(() => {});
  } catch (e) {
    stopped = true;
    await controlBus?.stop();
    await raft?.stop();
    proxy.close();
    await bound.shutdown(profile.requestTimeoutMs);
    throw e;
  }
  const ticker = setInterval(() => {
    syncLeadership();
    syncMembers();
  }, profile.raftTickMs);
  syncMembers();

  const unwatchDeletes = store.watch((e) => {
    if (e.kind === "node" && e.action === "delete") dispatcher.nodeRemoved(e.node.id);
  });

  const withManagerStatus = (n: Node__Output): Node__Output => {
    const m = raft?.members().find((s) => s.member.nodeId === n.id);
    if (!m) {
      // A manager whose Raft member is gone without a demotion (the others of a
      // --force-new-cluster) and that is not up: listed as an unreachable manager.
      if (n.role === "MANAGER" && n.status?.state !== "READY") {
        return {
          ...n,
          manager_status: {
            raft_id: "0",
            addr: n.manager_status?.addr ?? "",
            leader: false,
            reachability: "UNREACHABLE",
          },
        };
      }
      return n.manager_status ? { ...n, manager_status: null } : n;
    }
    return {
      ...n,
      manager_status: {
        raft_id: m.member.raftId,
        addr: m.member.addr,
        leader: m.leader,
        reachability: m.reachability,
      },
    };
  };
  const cluster = (): ClusterObject => {
    const c = store.view((tx) => tx.cluster());
    if (!c) throw rpcError("Unavailable", "cluster object not found");
    return c;
  };
  let stopping: Promise<void> | undefined;
  const member = raft;

  const handle: ManagerInternals = {
    store,
    dispatcher,
    raft: member,
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
    async rotateJoinToken(role) {
      const updated = await store.update((tx) => {
        const c = tx.cluster();
        if (!c) throw rpcError("NotFound", "cluster not found");
        const token = generateJoinToken(c.rootCA.caCert);
        return tx.putCluster({
          ...c,
          rootCA: { ...c.rootCA, joinTokens: { ...c.rootCA.joinTokens, [role]: token } },
        });
      });
      return { ...updated.rootCA.joinTokens };
    },
    clusterInfo: () => toClusterInfo(cluster()),
    updateNode: (req) => control.updateNode(req),
    removeNode: (req) => control.removeNode(req),
    rootCACertificate: () => cluster().rootCA.caCert,
    isLeader: () => member.isLeader(),
    raftId: () => member.raftId,
    stop() {
      stopping ??= (async () => {
        stopped = true;
        clearInterval(ticker);
        clearInterval(fastPoll);
        unwatchDeletes();
        await controlBus?.stop();
        becomeFollower();
        await transition.catch(() => {});
        becomeFollower();
        await member.stop();
        proxy.close();
        await bound.shutdown(profile.requestTimeoutMs);
      })();
      return stopping;
    },
  };
  return handle;
}

export const startManager: StartManager = startManagerInternals;
