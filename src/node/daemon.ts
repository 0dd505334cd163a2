import type { AnyActorRef } from "xstate";
import { connectBus } from "../bus/connection.ts";
import type { DaemonRequest, DaemonResults, LocalNodeState, SwarmInfo } from "../bus/daemon-contract.ts";
import { serveDaemonApi } from "../bus/daemon-server.ts";
import { okReply } from "../bus/envelope.ts";
import { type ActorTransition, publishTransitions, republishOnReconnect } from "../bus/events.ts";
import { serveActor } from "../bus/remote-actor.ts";
import { subjects } from "../bus/subjects.ts";
import type { TimingProfile } from "../config/profile.ts";
import { type ActorInspection, inspectActors } from "../inspect/stately/actor-inspector.ts";
import { daemonLogger } from "../log.ts";
import type { ManagerHandle } from "../manager/api.ts";
import { type ControlClient, controlClient } from "../manager/control-bus/index.ts";
import { removeNodeByRef, setDesiredRole, updateNodeSpec } from "../manager/controlapi/index.ts";
import { rpcError } from "../rpc/status.ts";
import { nodeAddrOf } from "./addresses.ts";
import { nodeFromGrpc } from "./convert.ts";
import {
  errManagerNotReady,
  errNoManagerNoNode,
  errNoSwarm,
  errSwarmExists,
  errSwarmJoinTimeoutReached,
  errSwarmNotManager,
} from "./errors.ts";
import { controlFacts, managerStatsTimeoutMs, swarmInfo } from "./info.ts";
import { managerLeaveMessage, managerStats } from "./leave-message.ts";
import { NodeRuntime } from "./runtime/node-runtime.ts";
import { readStartConfig } from "./start-config-file.ts";
import { readNodeCertificate, swarmDirOf } from "./state-dir.ts";

export interface DaemonOptions {
  name: string;
  stateDir: string;
  natsUrl: string;
  listenAddr?: string;
  advertiseAddr?: string;
  profile: TimingProfile;
  /** A Stately inspector relay (ws://…): every actor's inspection events go there. */
  inspect?: string;
}

export interface DaemonHandle {
  stop(): Promise<void>;
}

/** moby: Leave stops the node with a 15 s timeout. */
const STOP_TIMEOUT_MS = 15_000;

/**
 * One node = one daemon (like dockerd): the node and clusterState actors, the
 * CLI → daemon API on NATS, and the swarm it finds in its state dir.
 */
export async function runDaemon(opts: DaemonOptions): Promise<DaemonHandle> {
  const log = daemonLogger(opts.name);
  const swarmDir = swarmDirOf(opts.stateDir);
  // A corrupt docker-state.json stops the daemon here with an error naming the file.
  const startConfig = await readStartConfig(swarmDir);
  const hasSwarm = (await readNodeCertificate(swarmDir)) !== null;

  const nc = await connectBus(opts.natsUrl, `swarmbus-daemon-${opts.name}`);
  // Each announced actor: its transitions on the events stream, and events sent to it on its actor subject.
  // An actor announced again under the same name (a restarted session, a re-registered node) replaces the old one.
  const wired = new Map<string, () => void>();
  const current = new Map<string, ActorTransition>();
  const stopRepublishing = republishOnReconnect(nc, () => current.values(), log);
  // Off unless asked for: XState sends no inspection events to a system nobody inspects.
  const inspection: ActorInspection | null = opts.inspect ? inspectActors(opts.inspect, opts.name) : null;
  const onActor = (actorName: string, actor: AnyActorRef) => {
    wired.get(actorName)?.();
    inspection?.attach(actorName, actor);
    const unpublish = publishTransitions(nc, opts.name, actorName, actor, {
      log,
      onPublish: (t) => current.set(actorName, t),
    });
    const served = serveActor(nc, opts.name, actorName, actor, { log });
    wired.set(actorName, () => {
      unpublish();
      void served.stop();
    });
  };

  const rt = new NodeRuntime({
    name: opts.name,
    swarmDir,
    profile: opts.profile,
    log,
    ...(opts.listenAddr ? { listenAddr: opts.listenAddr } : {}),
    ...(opts.advertiseAddr ? { advertiseAddr: opts.advertiseAddr } : {}),
    startConfig,
    onActor,
    nc,
  });
  rt.start();

  /** moby lockedManagerAction: the control API of an active manager, or errNoManager. */
  const manager = (): ManagerHandle => {
    const m = rt.activeManager();
    if (m) return m;
    if (!rt.hasSwarmNode()) throw errNoManagerNoNode();
    throw rt.isManager() ? errManagerNotReady() : errSwarmNotManager();
  };
  /**
   * The control API as moby reaches it: through this node's own manager (its
   * local control socket), which serves the call when it leads and forwards it
   * to the leader otherwise; `timeoutMs` is the deadline (swarmRequestTimeout).
   */
  const controlVia = (timeoutMs: number): ControlClient => {
    manager();
    const clusterId = rt.state.identity?.clusterId;
    if (!clusterId) throw errManagerNotReady();
    return controlClient(nc, clusterId, { timeoutMs, via: () => rt.activeManager()?.raftId() });
  };
  const control = (): ControlClient => controlVia(opts.profile.requestTimeoutMs);

  /**
   * moby Info: an active manager's cluster and nodes come through the control
   * API (so a follower shows the leader's view and a manager without quorum
   * shows the error), bounded by moby's managerStats timeout.
   */
  const info = async (): Promise<SwarmInfo> => {
    const m = rt.activeManager();
    const clusterId = rt.state.identity?.clusterId;
    const facts =
      m && clusterId
        ? await controlFacts(controlVia(managerStatsTimeoutMs(opts.profile)), managerStatsTimeoutMs(opts.profile))
        : null;
    const running = rt.hasSwarmNode();
    return swarmInfo({
      state: String(rt.clusterState.getSnapshot().value) as LocalNodeState,
      error: rt.clusterState.getSnapshot().context.error,
      nodeId: running ? (rt.state.identity?.nodeId ?? "") : null,
      remoteManagers: rt.remoteManagers(),
      nodeAddr: rt.isInactive()
        ? ""
        : nodeAddrOf(m?.advertiseAddr ?? rt.state.startConfig.AdvertiseAddr, rt.state.startConfig.ListenAddr),
      manager: m ? facts : null,
    });
  };

  const handlers = {
    init: async (req: DaemonRequest<"init">): Promise<DaemonResults["init"]> => {
      if (!rt.isInactive()) {
        if (!req.forceNewCluster) throw errSwarmExists();
        // moby Init with ForceNewCluster: only a manager; its node restarts as a one-member cluster.
        if (!rt.isManager()) throw errSwarmNotManager();
        await rt.forceNewCluster(STOP_TIMEOUT_MS);
        const m = manager();
        return {
          nodeId: rt.state.identity?.nodeId ?? "",
          workerToken: m.joinTokens().worker,
          advertiseAddr: m.advertiseAddr,
        };
      }
      // With no swarm, --force-new-cluster initializes a new one, as moby does.
      await rt.init({
        ...(req.listenAddr ? { listenAddr: req.listenAddr } : {}),
        ...(req.advertiseAddr ? { advertiseAddr: req.advertiseAddr } : {}),
      });
      const m = manager();
      return {
        nodeId: rt.state.identity?.nodeId ?? "",
        workerToken: m.joinTokens().worker,
        advertiseAddr: m.advertiseAddr,
      };
    },
    join: async (req: DaemonRequest<"join">): Promise<DaemonResults["join"]> => {
      if (!rt.isInactive()) throw errSwarmExists();
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<"timeout">((resolve) => {
        timer = setTimeout(() => resolve("timeout"), opts.profile.joinTimeoutMs);
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
    },
    leave: async (req: DaemonRequest<"leave">): Promise<DaemonResults["leave"]> => {
      if (rt.isInactive()) throw errNoSwarm();
      if (rt.isManager() && !req.force) {
        const m = rt.activeManager();
        let stats: ReturnType<typeof managerStats> | null = null;
        const clusterId = rt.state.identity?.clusterId;
        if (m && clusterId) {
          // moby managerStats: ListNodes through the control API (the leader's view), with its own timeout.
          const c = controlVia(managerStatsTimeoutMs(opts.profile));
          stats = await c.listNodes().then(
            (nodes) => managerStats(nodes, rt.state.identity?.nodeId ?? ""),
            () => null,
          );
        }
        throw rpcError("Unavailable", managerLeaveMessage(m !== null, stats), { plain: true });
      }
      await rt.leave();
      return {};
    },
    "join-token": async (req: DaemonRequest<"join-token">): Promise<DaemonResults["join-token"]> => {
      const m = manager();
      const c = control();
      const tokens = req.rotate ? await c.rotateJoinToken(req.role) : await c.joinTokens();
      return { role: req.role, token: tokens[req.role], advertiseAddr: m.advertiseAddr };
    },
    info: (): Promise<SwarmInfo> => info(),
    actors: async (): Promise<DaemonResults["actors"]> => ({ actors: [...current.values()] }),
    "node.ls": async (): Promise<DaemonResults["node.ls"]> => {
      const nodes = await control().listNodes();
      return { self: rt.state.identity?.nodeId ?? "", nodes: nodes.map(nodeFromGrpc) };
    },
    "node.inspect": async (req: DaemonRequest<"node.inspect">): Promise<DaemonResults["node.inspect"]> => {
      const c = control();
      const ref = req.ref === "self" ? (rt.state.identity?.nodeId ?? req.ref) : req.ref;
      return { node: nodeFromGrpc(await c.getNode(ref)) };
    },
    "node.update": async (req: DaemonRequest<"node.update">): Promise<DaemonResults["node.update"]> => {
      const { ref, ...change } = req;
      return { id: await updateNodeSpec(control(), ref, change) };
    },
    "node.promote": async (req: DaemonRequest<"node.promote">): Promise<DaemonResults["node.promote"]> => {
      const nodes: DaemonResults["node.promote"]["nodes"] = [];
      for (const ref of req.refs) nodes.push({ ref, changed: await setDesiredRole(control(), ref, "manager") });
      return { nodes };
    },
    "node.demote": async (req: DaemonRequest<"node.demote">): Promise<DaemonResults["node.demote"]> => {
      const nodes: DaemonResults["node.demote"]["nodes"] = [];
      for (const ref of req.refs) nodes.push({ ref, changed: await setDesiredRole(control(), ref, "worker") });
      return { nodes };
    },
    "node.rm": async (req: DaemonRequest<"node.rm">): Promise<DaemonResults["node.rm"]> => {
      const removed: string[] = [];
      for (const ref of req.refs) {
        await removeNodeByRef(control(), ref, req.force ?? false);
        removed.push(ref);
      }
      return { removed };
    },
  };

  const server = serveDaemonApi(nc, opts.name, handlers, { log });
  // Watchers (the dashboard) find the daemons by asking all of them at once.
  const discovery = nc.subscribe(subjects().daemonsDiscover(), {
    callback: (err, msg) => {
      if (err) return;
      try {
        msg.respond(JSON.stringify(okReply({ name: opts.name })));
      } catch (e) {
        log.warn({ err: String(e) }, "could not answer a discovery request");
      }
    },
  });
  // The subscription is on the server before anyone is told the daemon runs.
  await nc.flush();
  if (hasSwarm) rt.resume();
  log.info(
    { stateDir: opts.stateDir, resumed: hasSwarm, ...(opts.inspect ? { inspect: opts.inspect } : {}) },
    "daemon started",
  );

  let stopping: Promise<void> | null = null;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      process.off("SIGTERM", onSignal);
      process.off("SIGINT", onSignal);
      discovery.unsubscribe();
      stopRepublishing();
      await server.stop();
      await rt.shutdown(STOP_TIMEOUT_MS);
      for (const unwire of wired.values()) unwire();
      inspection?.stop();
      try {
        await nc.drain();
      } catch {
        await nc.close();
      }
      log.info("daemon stopped");
    })();
    return stopping;
  };
  const onSignal = (signal: NodeJS.Signals) => {
    log.info({ signal }, "shutting down");
    stop().then(
      () => process.exit(0),
      (e: unknown) => {
        log.error({ err: String(e) }, "shutdown failed");
        process.exit(1);
      },
    );
  };
  process.once("SIGTERM", onSignal);
  process.once("SIGINT", onSignal);
  return { stop };
}
