import { join } from "node:path";
import type { NatsConnection } from "@nats-io/transport-node";
import type { Logger } from "pino";
import { type Actor, type AnyActorRef, createActor, fromPromise } from "xstate";
import { clusterStateMachine } from "../../machines/cluster-state.machine.ts";
import {
  type NodeRole,
  nodeMachine,
  type StartMode,
  type StartNodeInput,
  type StartNodeOutput,
  type StopManagerInput,
} from "../../machines/node.machine.ts";
import { startAgent } from "../agent/agent.ts";
import type { AgentHandle, Peer } from "../agent/api.ts";
import type { PeerInfo } from "../bus/daemon-contract.ts";
import type { NodeIdentity } from "../ca/credentials.ts";
import { newId } from "../ca/ids.ts";
import {
  decodeIdentityCertificate,
  encodeIdentityCertificate,
  insecureClientCredentials,
  insecureServerCredentials,
} from "../ca/insecure-credentials.ts";
import { requestNodeIdentity } from "../ca/join.ts";
import type { TimingProfile } from "../config/profile.ts";
import type { SessionMessage__Output } from "../gen/docker/swarmkit/v1/SessionMessage.ts";
import type { ManagerHandle } from "../manager/api.ts";
import { startManager } from "../manager/manager.ts";
import { RaftStorage } from "../raft/storage/index.ts";
import { RpcError, rpcError, toRpcError } from "../rpc/status.ts";
import { DEFAULT_LISTEN_ADDR, defaultAdvertiseAddr, withPortOf } from "./addresses.ts";
import { nodeDescription } from "./description.ts";
import { ManagersFile } from "./managers-file.ts";
import { type StartConfig, writeStartConfig } from "./start-config-file.ts";
import { clearSwarmDir, readNodeIdentity, writeNodeCertificate } from "./state-dir.ts";

export interface NodeRuntimeOptions {
  readonly name: string;
  readonly swarmDir: string;
  readonly profile: TimingProfile;
  readonly log: Logger;
  /** The daemon's --listen-addr / --advertise-addr, used when a request gives none. */
  readonly listenAddr?: string;
  readonly advertiseAddr?: string;
  /** docker-state.json as found at daemon start. */
  readonly startConfig: StartConfig | null;
  /** Every actor started for this node (node, clusterState, session, liveness …). */
  readonly onActor: (name: string, actor: AnyActorRef) => void;
  /** The daemon's NATS connection: the manager's Raft transport and raft join. */
  readonly nc?: NatsConnection;
}

export interface InitParams {
  listenAddr?: string;
  advertiseAddr?: string;
}
export interface JoinParams extends InitParams {
  token: string;
  remoteAddr: string;
}

interface Waiter {
  resolve(): void;
  reject(e: RpcError): void;
}

const emptyStartConfig = (): StartConfig => ({
  LocalAddr: "",
  RemoteAddr: "",
  ListenAddr: "",
  AdvertiseAddr: "",
  DataPathAddr: "",
  JoinInProgress: false,
});

const roleOf = (tls: NodeIdentity["role"]): NodeRole => (tls === "swarm-manager" ? "manager" : "worker");

/**
 * The shell of one node: performs the node machine's named effects (state dir,
 * identity, agent, manager) and feeds what happens back as events; mirrors the
 * node's facts into the clusterState actor, as moby's nodeRunner does.
 */
export class NodeRuntime {
  readonly node: Actor<typeof nodeMachine>;
  readonly clusterState: Actor<typeof clusterStateMachine>;
  readonly managersFile: ManagersFile;
  identity: NodeIdentity | null = null;
  agent: AgentHandle | null = null;
  manager: ManagerHandle | null = null;
  startConfig: StartConfig;

  private readonly opts: NodeRuntimeOptions;
  private readonly log: Logger;
  private join: JoinParams | null = null;
  private bootstrap = false;
  /** The next manager start is a `swarm init --force-new-cluster` (SK ForceNewCluster). */
  private forceNew = false;
  /** Bumped by every manager stop: a manager whose start finishes after a stop is stopped at once, not leaked. */
  private managerGen = 0;
  /** Bumped whenever the running node is torn down: callbacks of an older run are ignored. */
  private run = 0;
  /** The observed role (Node.Role) last seen in a SessionMessage: its edges move the manager. */
  private lastRole: string | null = null;
  private managerReady: { promise: Promise<ManagerHandle>; resolve(m: ManagerHandle): void; reject(e: unknown): void } =
    this.newManagerReady();
  private lastStartError: unknown = null;
  private startWaiter: Waiter | null = null;
  /** State dir writes started by callbacks; a leave waits for them before it clears the dir. */
  private readonly writes = new Set<Promise<unknown>>();
  private leaveWaiter: Waiter | null = null;

  constructor(opts: NodeRuntimeOptions) {
    this.opts = opts;
    this.log = opts.log;
    this.startConfig = opts.startConfig ?? emptyStartConfig();
    this.managersFile = new ManagersFile(opts.swarmDir);
    this.clusterState = createActor(clusterStateMachine);
    this.node = createActor(this.machine(), {
      input: {
        reconnectDelayInitialMs: opts.profile.reconnectDelayInitialMs,
        reconnectDelayMaxMs: opts.profile.reconnectDelayMaxMs,
      },
    });
  }

  start(): void {
    this.clusterState.start();
    this.opts.onActor("clusterState", this.clusterState);
    this.opts.onActor("node", this.node);
    this.node.start();
  }

  // ---- facts for the daemon API -------------------------------------------------------

  /** moby `c.nr == nil`. */
  isInactive(): boolean {
    return this.node.getSnapshot().matches("inactive");
  }
  /** moby `swarmNode != nil`: a node is starting or running. */
  hasSwarmNode(): boolean {
    const s = this.node.getSnapshot();
    return s.matches("starting") || s.matches("running");
  }
  /** moby `swarmNode.Manager() != nil`. */
  isManager(): boolean {
    const s = this.node.getSnapshot();
    return s.matches("running") && !s.matches({ running: { manager: "off" } });
  }
  /** moby IsActiveManager(): the control API of this node's manager serves. */
  activeManager(): ManagerHandle | null {
    return this.node.getSnapshot().matches({ running: { manager: "ready" } }) ? this.manager : null;
  }
  remoteManagers(): PeerInfo[] {
    const peers = this.agent?.managers() ?? [];
    return peers
      .map((p) => ({ NodeID: p.nodeId, Addr: p.addr }))
      .sort((a, b) => (a.NodeID < b.NodeID ? -1 : a.NodeID > b.NodeID ? 1 : 0));
  }

  // ---- requests -------------------------------------------------------------------------

  /** Starts a new cluster; resolves once the node is ready (moby Init waits with no timeout). */
  init(p: InitParams): Promise<void> {
    const listen = p.listenAddr ?? this.opts.listenAddr ?? DEFAULT_LISTEN_ADDR;
    this.startConfig = {
      ...emptyStartConfig(),
      ListenAddr: listen,
      AdvertiseAddr: p.advertiseAddr ?? this.opts.advertiseAddr ?? "",
    };
    this.join = null;
    return this.startAndWait("init");
  }

  /** Joins with a token; resolves once ready. The caller bounds the wait and calls callerGaveUp(). */
  joinSwarm(p: JoinParams): Promise<void> {
    this.startConfig = {
      ...emptyStartConfig(),
      RemoteAddr: p.remoteAddr,
      ListenAddr: p.listenAddr ?? this.opts.listenAddr ?? DEFAULT_LISTEN_ADDR,
      AdvertiseAddr: p.advertiseAddr ?? this.opts.advertiseAddr ?? "",
      JoinInProgress: true,
    };
    this.join = p;
    return this.startAndWait("join");
  }

  /**
   * moby Init with ForceNewCluster on a running manager: stop the node (its
   * state dir kept), start it again from that state with ForceNewCluster, so
   * its manager comes back as a one-member cluster that keeps the store;
   * resolves once the node is ready again. `stopTimeoutMs` bounds the stop.
   */
  async forceNewCluster(stopTimeoutMs: number): Promise<void> {
    await this.stopNodeKeepingState(stopTimeoutMs);
    this.join = null;
    this.forceNew = true;
    return this.startAndWait("load");
  }

  callerGaveUp(): void {
    this.startWaiter = null;
    this.node.send({ type: "CALLER_GAVE_UP" });
  }

  /** A daemon restarted on a state dir that holds a swarm rejoins it. */
  resume(): void {
    this.join = null;
    this.node.send({ type: "START", mode: "load" });
  }

  leave(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.leaveWaiter = { resolve, reject };
      this.node.send({ type: "LEAVE" });
    });
  }

  /** Daemon shutdown: stop agent and manager, keep the state dir. */
  async shutdown(timeoutMs: number): Promise<void> {
    await this.stopNodeKeepingState(timeoutMs);
    // A leave or start in flight is stopped with the actor; make sure nothing is left running.
    await this.stopAll();
    this.node.stop();
    this.clusterState.stop();
  }

  /** SHUTDOWN to the node machine; resolves once it is inactive (or after `timeoutMs`). */
  private async stopNodeKeepingState(timeoutMs: number): Promise<void> {
    this.node.send({ type: "SHUTDOWN" });
    await new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        sub.unsubscribe();
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      const sub = this.node.subscribe((s) => {
        if (s.matches("inactive")) done();
      });
      if (this.node.getSnapshot().matches("inactive")) done();
    });
  }

  private startAndWait(mode: StartMode): Promise<void> {
    return new Promise((resolve, reject) => {
      this.startWaiter = { resolve, reject };
      this.lastStartError = null;
      this.node.send({ type: "START", mode });
    });
  }

  // ---- the node machine's effects ------------------------------------------------------

  private machine() {
    return nodeMachine.provide({
      actors: {
        startNode: fromPromise<StartNodeOutput, StartNodeInput>(({ input, signal }) =>
          this.startNode(input.mode, signal),
        ),
        startManager: fromPromise<void, void>(() => this.startLocalManager()),
        stopManager: fromPromise<void, StopManagerInput>(({ input }) => this.stopManager(input.clearData)),
        stopNode: fromPromise<void, void>(() => this.stopAll()),
        leaveSwarm: fromPromise<void, void>(async () => {
          await this.stopAll();
          await Promise.allSettled([...this.writes]);
          await clearSwarmDir(this.opts.swarmDir);
          this.managersFile.reset();
          this.identity = null;
          this.startConfig = emptyStartConfig();
        }),
      },
      actions: {
        startAgent: ({ context }) => this.launchAgent(context.startedAsManager),
        announceStarting: ({ context }) => this.clusterState.send({ type: "NODE_STARTED", error: context.error }),
        announceReady: () => this.onReady(),
        announceExit: ({ context }) => {
          if (context.error) this.log.error({ err: context.error }, "cluster exited with error");
          this.clusterState.send({ type: "NODE_EXITED", error: context.error });
        },
        announceRestart: ({ context }) => {
          this.log.info(`Restarting swarm in ${(context.reconnectDelayMs / 1000).toFixed(2)} seconds`);
          this.clusterState.send({ type: "RECONNECT_SCHEDULED", delayMs: context.reconnectDelayMs });
        },
        announceInactive: () => this.clusterState.send({ type: "NODE_REMOVED" }),
        reportStartFailure: ({ context }) => this.onStartFailure(context.error),
        leftSwarm: () => {
          this.leaveWaiter?.resolve();
          this.leaveWaiter = null;
        },
        reportLeaveFailure: () => {
          this.leaveWaiter?.reject(rpcError("Unknown", "could not leave the swarm: stopping the node failed"));
          this.leaveWaiter = null;
        },
        logManagerStopping: () => this.log.info("role changed to worker, stopping manager"),
      },
    });
  }

  private async startNode(mode: StartMode, signal: AbortSignal): Promise<StartNodeOutput> {
    this.run++;
    this.lastRole = null;
    try {
      const identity = await this.obtainIdentity(mode, signal);
      if (signal.aborted) throw new Error("node start cancelled");
      this.identity = identity;
      await this.managersFile.load();
      return { role: roleOf(identity.role) };
    } catch (e) {
      this.lastStartError = e;
      throw e;
    }
  }

  private async obtainIdentity(mode: StartMode, signal: AbortSignal): Promise<NodeIdentity> {
    const swarmDir = this.opts.swarmDir;
    const existing = await readNodeIdentity(swarmDir, decodeIdentityCertificate);
    if (mode === "init") {
      // SK: the first manager bootstraps: a fresh node ID and cluster ID, a self-issued identity.
      const identity: NodeIdentity = { nodeId: newId(), role: "swarm-manager", clusterId: newId() };
      await writeNodeCertificate(swarmDir, encodeIdentityCertificate(identity));
      await writeStartConfig(swarmDir, this.startConfig);
      this.bootstrap = true;
      return identity;
    }
    if (existing) return existing.identity;
    if (mode === "load" || !this.join) {
      throw new Error(`no swarm node certificate in ${swarmDir}`);
    }
    const join = this.join;
    await writeStartConfig(swarmDir, this.startConfig);
    // SK: node.New observes the join address (with no node ID yet) and persists it.
    await this.managersFile.save([{ NodeID: "", Addr: join.remoteAddr }]);
    const issued = await requestNodeIdentity({
      remoteAddr: join.remoteAddr,
      token: join.token,
      profile: this.opts.profile,
    });
    if (signal.aborted) throw new Error("node start cancelled");
    await writeNodeCertificate(swarmDir, issued.certificate);
    return issued.identity;
  }

  private newManagerReady() {
    let resolve: (m: ManagerHandle) => void = () => {};
    let reject: (e: unknown) => void = () => {};
    const promise = new Promise<ManagerHandle>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    promise.catch(() => {});
    return { promise, resolve, reject };
  }

  private async startLocalManager(): Promise<void> {
    const identity = this.identity;
    if (!identity) throw new Error("no node identity");
    const listen = this.startConfig.ListenAddr || this.opts.listenAddr || DEFAULT_LISTEN_ADDR;
    const advertise = this.startConfig.AdvertiseAddr || this.opts.advertiseAddr || defaultAdvertiseAddr(listen);
    const ready = this.managerReady;
    const run = this.run;
    const gen = this.managerGen;
    try {
      const handle = await startManager({
        nodeId: identity.nodeId,
        clusterId: identity.clusterId,
        hostname: this.opts.name,
        listenAddr: listen,
        advertiseAddr: advertise,
        swarmDir: this.opts.swarmDir,
        profile: this.opts.profile,
        credentials: insecureServerCredentials(identity.clusterId),
        bootstrap: this.bootstrap,
        ...(this.forceNew ? { forceNewCluster: true } : {}),
        onActor: this.opts.onActor,
        log: this.log,
        ...(this.opts.nc ? { nc: this.opts.nc } : {}),
        // SK runManager: RemovedFromRaft stops the manager with clearData; the role follows as worker.
        onRemovedFromRaft: () => {
          if (run === this.run) this.node.send({ type: "ROLE_CHANGED", role: "worker" });
        },
      });
      if (gen !== this.managerGen) {
        // Stopped (demoted, left, shut down) while it was starting: it must not keep its listener.
        await handle.stop();
        throw new Error("manager stopped while starting");
      }
      this.bootstrap = false;
      this.forceNew = false;
      this.manager = handle;
      // A restarted manager comes back on the same address, even when port 0 picked it.
      this.startConfig = { ...this.startConfig, ListenAddr: withPortOf(listen, handle.listenAddr) };
      await writeStartConfig(this.opts.swarmDir, this.startConfig);
      ready.resolve(handle);
    } catch (e) {
      ready.reject(e);
      // SK superviseManager: "manager stopped: …"; what a first-run init/join reports back. A plain
      // cause (a raft join failure: "can't initialize raft node: rpc error: …") stays plain, as moby prints it.
      const err = toRpcError(e);
      this.lastStartError = new RpcError(err.code, `manager stopped: ${err.message}`, { plain: err.plain });
      throw e;
    }
  }

  private async stopManager(clearData: boolean): Promise<void> {
    this.managerGen++;
    const m = this.manager;
    this.manager = null;
    this.managerReady.reject(new Error("manager stopped"));
    this.managerReady = this.newManagerReady();
    await m?.stop();
    if (clearData) await RaftStorage.wipe(join(this.opts.swarmDir, "raft"));
  }

  private async stopAll(): Promise<void> {
    this.run++;
    const a = this.agent;
    this.agent = null;
    await Promise.allSettled([a?.stop(), this.stopManager(false)]);
  }

  private launchAgent(startedAsManager: boolean): void {
    const run = this.run;
    const identity = this.identity;
    if (!identity) {
      this.node.send({ type: "NODE_EXITED", error: "agent: no node identity" });
      return;
    }
    const go = async () => {
      let managers: Peer[] = (await this.managersFile.load()).map((p) => ({ nodeId: p.NodeID, addr: p.Addr }));
      if (startedAsManager) {
        // The agent of a manager talks to its own manager first (SK prefers the local control socket).
        const m = await this.managerReady.promise.catch(() => null);
        if (!m) return;
        managers = [
          { nodeId: identity.nodeId, addr: m.advertiseAddr },
          ...managers.filter((p) => p.addr !== m.advertiseAddr),
        ];
      }
      if (run !== this.run) return;
      this.agent = startAgent({
        credentials: insecureClientCredentials(identity),
        description: nodeDescription(this.opts.name),
        managers,
        profile: this.opts.profile,
        onRegistered: () => {
          if (run === this.run) this.node.send({ type: "AGENT_READY" });
        },
        onSessionMessage: (msg) => {
          if (run === this.run) this.onSessionMessage(msg);
        },
        onManagersChanged: (peers) => {
          if (run !== this.run) return;
          this.track(this.managersFile.save(peers.map((p) => ({ NodeID: p.nodeId, Addr: p.addr }))), "state.json");
        },
        onActor: this.opts.onActor,
      });
    };
    go().catch((e: unknown) => {
      if (run === this.run) this.node.send({ type: "NODE_EXITED", error: toRpcError(e).message });
    });
  }

  private track(p: Promise<unknown>, file: string): void {
    const t = p
      .catch((e: unknown) => this.log.error({ err: String(e) }, `failed to save ${file}`))
      .finally(() => this.writes.delete(t));
    this.writes.add(t);
  }

  /**
   * The node-changes loop and the TLS renewer in one: the certificate a node
   * gets follows the observed role (`Node.Role`, written by the role manager:
   * at once on promotion, only after the Raft removal on demotion), so an edge
   * in the observed role moves the manager; the new role is saved in the
   * node certificate, so a restart comes back with it.
   */
  private onSessionMessage(msg: SessionMessage__Output): void {
    const observed = msg.node?.role;
    if (!observed || observed === this.lastRole) return;
    this.lastRole = observed;
    const role = observed === "MANAGER" ? "manager" : "worker";
    const identity = this.identity;
    if (identity && roleOf(identity.role) !== role) {
      this.identity = { ...identity, role: role === "manager" ? "swarm-manager" : "swarm-worker" };
      this.track(writeNodeCertificate(this.opts.swarmDir, encodeIdentityCertificate(this.identity)), "swarm-node.crt");
    }
    this.node.send({ type: "ROLE_CHANGED", role });
  }

  private onReady(): void {
    this.clusterState.send({ type: "NODE_READY" });
    if (this.startConfig.JoinInProgress) {
      this.startConfig = { ...this.startConfig, JoinInProgress: false };
      this.track(writeStartConfig(this.opts.swarmDir, this.startConfig), "docker-state.json");
    }
    this.startWaiter?.resolve();
    this.startWaiter = null;
  }

  private onStartFailure(error: string | null): void {
    const err = this.lastStartError ? toRpcError(this.lastStartError) : rpcError("Unknown", error ?? "node exited");
    this.lastStartError = null;
    this.identity = null;
    this.startConfig = emptyStartConfig();
    clearSwarmDir(this.opts.swarmDir)
      .then(() => this.managersFile.reset())
      .catch((e: unknown) => this.log.error({ err: String(e) }, "failed to clear the swarm state"))
      .finally(() => {
        this.startWaiter?.reject(err);
        this.startWaiter = null;
      });
  }
}
