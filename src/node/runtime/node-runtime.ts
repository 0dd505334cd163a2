import type { NatsConnection } from "@nats-io/transport-node";
import type { Logger } from "pino";
import { type Actor, type AnyActorRef, createActor } from "xstate";
import { clusterStateMachine } from "../../../machines/cluster-state.machine.ts";
import type { NodeEvent, nodeMachine, StartMode } from "../../../machines/node.machine.ts";
import { reapTasks } from "../../agent/exec/reap-tasks.ts";
import type { StoredAccountSigner } from "../../bus/auth/manager-credentials.ts";
import type { PeerInfo } from "../../bus/daemon-contract.ts";
import type { TimingProfile } from "../../config/profile.ts";
import type { ManagerHandle } from "../../manager/api.ts";
import { errInvalidUnlockKey, errUnlockStartFailed } from "../errors.ts";
import type { StartConfig } from "../start-config-file.ts";
import { tasksDirOf } from "../state-dir.ts";
import { AgentRunner } from "./agent-runner.ts";
import { clusterStateMirror } from "./cluster-state-mirror.ts";
import { type InitParams, initStartConfig } from "./init.ts";
import { type JoinParams, joinStartConfig } from "./join.ts";
import { Leave } from "./leave.ts";
import { ManagerSupervisor } from "./manager-supervisor.ts";
import { nodeWithEffects } from "./node-effects.ts";
import { NodeState } from "./node-state.ts";
import { RoleChanges } from "./role-changes.ts";
import { RunEpoch } from "./run-epoch.ts";
import { NodeStart } from "./start-node.ts";
import { StartOutcome } from "./start-outcome.ts";
import { runStopper } from "./stop-run.ts";
import { TlsRenewer } from "./tls-renewer.ts";
import { untilInactive } from "./until-inactive.ts";
import { untilStartSettled } from "./until-start-settled.ts";

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
  /**
   * The daemon's NATS connection: the manager's Raft transport and raft join
   * when the node holds no manager credentials of its own.
   */
  readonly nc?: NatsConnection;
  /** Where the bus is: the manager opens its own connection there with certificates/swarm-node.creds. */
  readonly natsUrl?: string;
  /** The bus's CA (its client port's TLS), for that connection. */
  readonly natsCa?: string | undefined;
  /** The swarm NATS account's signer, which `swarm init` puts in the new cluster object. */
  readonly natsSigner?: StoredAccountSigner;
}

/**
 * One node, assembled: the node machine, its units (state, start, manager
 * supervisor, agent, role changes, leave) and the clusterState actor they
 * mirror into, as moby's nodeRunner. The daemon's requests enter here and the
 * node's facts are read here; every step in between goes unit to unit.
 */
export class NodeRuntime {
  readonly node: Actor<typeof nodeMachine>;
  readonly clusterState: Actor<typeof clusterStateMachine>;
  readonly state: NodeState;

  private readonly opts: NodeRuntimeOptions;
  private readonly epoch = new RunEpoch();
  private readonly outcome = new StartOutcome();
  private readonly manager: ManagerSupervisor;
  private readonly agent: AgentRunner;
  private readonly nodeStart: NodeStart;
  private readonly leaving: Leave;
  /** The run ends: its agent and manager stop, the state dir stays. */
  private readonly stopRun: () => Promise<void>;

  constructor(opts: NodeRuntimeOptions) {
    this.opts = opts;
    const send = (e: NodeEvent) => this.node.send(e);
    this.state = new NodeState(opts.swarmDir, opts.startConfig, opts.log);
    this.manager = new ManagerSupervisor(opts, this.state);
    this.nodeStart = new NodeStart(this.state, this.manager, opts.profile, opts.natsSigner);
    const renewer = new TlsRenewer(this.state, opts.profile, this.epoch, (id) => roles.renewed(id), opts.log);
    const roles: RoleChanges = new RoleChanges(renewer, send);
    this.agent = new AgentRunner({
      ...opts,
      state: this.state,
      manager: this.manager,
      epoch: this.epoch,
      send,
      onSessionMessage: (msg) => roles.observe(msg),
    });
    this.stopRun = runStopper(this.epoch, this.agent, this.manager, renewer);
    this.leaving = new Leave(this.state, this.stopRun, send);
    this.clusterState = createActor(clusterStateMachine);
    const machine = nodeWithEffects({
      state: this.state,
      start: this.nodeStart,
      manager: this.manager,
      agent: this.agent,
      roles,
      renewer,
      leave: this.leaving,
      outcome: this.outcome,
      epoch: this.epoch,
      mirror: clusterStateMirror(this.clusterState, opts.log),
      log: opts.log,
      stopRun: this.stopRun,
      send,
    });
    this.node = createActor(machine, {
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
  /** moby LocalNodeStateLocked: the node's key needs the unlock key (`swarm unlock`). */
  isLocked(): boolean {
    return this.clusterState.getSnapshot().matches("locked");
  }
  /** moby `swarmNode.Manager() != nil`. */
  isManager(): boolean {
    const s = this.node.getSnapshot();
    return s.matches("running") && !s.matches({ running: { manager: "off" } });
  }
  /** moby IsActiveManager(): the control API of this node's manager serves. */
  activeManager(): ManagerHandle | null {
    return this.node.getSnapshot().matches({ running: { manager: "ready" } }) ? this.manager.handle : null;
  }

  /** The bus connection of the running manager (its own credentials', or the daemon's when it has none). */
  managerConnection(): NatsConnection | undefined {
    return this.manager.connection();
  }
  /** SK Node.Remotes(): the agent's managers; before the agent runs (a join), the ones in state.json. */
  remoteManagers(): PeerInfo[] {
    const agents = this.agent.managers().map((p) => ({ NodeID: p.nodeId, Addr: p.addr }));
    return (agents.length > 0 ? agents : this.state.managersFile.known()).sort((a, b) =>
      a.NodeID < b.NodeID ? -1 : a.NodeID > b.NodeID ? 1 : 0,
    );
  }

  // ---- requests -------------------------------------------------------------------------

  /** Starts a new cluster; resolves once the node is ready (moby Init waits with no timeout). */
  init(p: InitParams): Promise<void> {
    this.state.startConfig = initStartConfig(p, this.opts);
    this.nodeStart.joinWith(null);
    this.nodeStart.initWith(p);
    return this.startAndWait("init");
  }

  /** Joins with a token; resolves once ready. The caller bounds the wait and calls callerGaveUp(). */
  joinSwarm(p: JoinParams): Promise<void> {
    this.state.startConfig = joinStartConfig(p, this.opts);
    this.nodeStart.joinWith(p);
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
    this.nodeStart.joinWith(null);
    this.manager.forceNewClusterNext();
    return this.startAndWait("load");
  }

  /**
   * moby UnlockSwarm: the locked node stopped and started again with `key`;
   * resolves once it is ready. Still locked: the key was wrong (invalidUnlockKey);
   * another failure is "swarm component could not be started". `timeoutMs` bounds each wait.
   */
  async unlock(key: Buffer, timeoutMs: number): Promise<void> {
    await this.stopNodeKeepingState(timeoutMs);
    this.nodeStart.joinWith(null);
    this.nodeStart.unlockWith(key);
    this.node.send({ type: "START", mode: "load" });
    await untilStartSettled(this.clusterState, timeoutMs);
    if (this.isLocked()) throw errInvalidUnlockKey();
    const { context } = this.clusterState.getSnapshot();
    if (context.error !== "") throw errUnlockStartFailed(context.error);
  }

  callerGaveUp(): void {
    this.outcome.callerGaveUp();
    this.node.send({ type: "CALLER_GAVE_UP" });
  }

  /** A daemon restarted on a state dir that holds a swarm rejoins it. */
  resume(): void {
    this.nodeStart.joinWith(null);
    this.node.send({ type: "START", mode: "load" });
  }

  leave(): Promise<void> {
    return this.leaving.request();
  }

  /** Daemon shutdown: stop agent and manager, keep the state dir. */
  async shutdown(timeoutMs: number): Promise<void> {
    await this.stopNodeKeepingState(timeoutMs);
    // A leave or start in flight is stopped with the actor; make sure nothing is left running.
    await this.stopRun();
    // As dockerd stops its containers: a stopped daemon leaves no task program behind (a crashed one does,
    // and its next start takes them back).
    await reapTasks(tasksDirOf(this.state.swarmDir));
    this.outcome.abandon();
    this.leaving.abandon();
    this.node.stop();
    this.clusterState.stop();
  }

  /** SHUTDOWN to the node machine; resolves once it is inactive (or after `timeoutMs`). */
  private async stopNodeKeepingState(timeoutMs: number): Promise<void> {
    this.node.send({ type: "SHUTDOWN" });
    await untilInactive(this.node, timeoutMs);
  }

  private startAndWait(mode: StartMode): Promise<void> {
    const ready = this.outcome.wait();
    this.node.send({ type: "START", mode });
    return ready;
  }
}
