import type { AnyActorRef } from "xstate";
import type { NodeEvent } from "../../../machines/node.machine.ts";
import { startAgent } from "../../agent/agent.ts";
import type { AgentHandle, Peer } from "../../agent/api.ts";
import { TaskWork } from "../../agent/task-work.ts";
import { tlsInfoOf } from "../../ca/pki/tls-info.ts";
import { tlsClientCredentials } from "../../ca/tls/client-credentials.ts";
import type { TimingProfile } from "../../config/profile.ts";
import type { AssignmentsMessage__Output } from "../../gen/docker/swarmkit/v1/AssignmentsMessage.ts";
import type { SessionMessage__Output } from "../../gen/docker/swarmkit/v1/SessionMessage.ts";
import type { Log } from "../../log.ts";
import { toRpcError } from "../../rpc/status.ts";
import { nodeDescription } from "../description.ts";
import { readRootCACertificate, tasksDirOf } from "../state-dir.ts";
import type { ManagerSupervisor } from "./manager-supervisor.ts";
import type { NodeState } from "./node-state.ts";
import type { RunEpoch } from "./run-epoch.ts";

export interface AgentRunnerOptions {
  readonly name: string;
  readonly profile: TimingProfile;
  readonly onActor: (name: string, actor: AnyActorRef) => void;
  readonly state: NodeState;
  readonly manager: ManagerSupervisor;
  readonly epoch: RunEpoch;
  /** To the node machine: AGENT_READY, NODE_EXITED. */
  readonly send: (e: NodeEvent) => void;
  readonly onSessionMessage: (msg: SessionMessage__Output) => void;
  readonly log: Log;
}

/**
 * The agent of every run (SK node.go runAgent): dials the managers the node
 * knows (its own manager first), tells the node machine when it registered,
 * hands the session's messages on and keeps state.json current. Everything it
 * reports after its run ended is dropped.
 */
export class AgentRunner {
  private handle: AgentHandle | null = null;
  private work: TaskWork | null = null;
  /** The managers this run's agent starts with (state.json), shown until it runs (SK Remotes()). */
  private known: Peer[] = [];

  constructor(private readonly opts: AgentRunnerOptions) {}

  /** The managers the agent knows now, by node ID. */
  managers(): Peer[] {
    return this.handle?.managers() ?? this.known;
  }

  launch(startedAsManager: boolean): void {
    const { state, send } = this.opts;
    const run = this.opts.epoch.mark();
    const identity = state.identity;
    if (!identity) {
      send({ type: "NODE_EXITED", error: "agent: no node identity" });
      return;
    }
    const go = async () => {
      let managers = await state.knownManagers();
      let trustRoot = await readRootCACertificate(state.swarmDir);
      const tls = await state.tlsMaterial();
      if (run.current()) this.known = managers;
      if (startedAsManager) {
        // The agent of a manager talks to its own manager first (SK prefers the local control socket).
        const m = await this.opts.manager.whenReady();
        if (!m) return;
        await m.leaderSettled;
        trustRoot = m.rootCACertificate();
        managers = [
          { nodeId: identity.nodeId, addr: m.advertiseAddr },
          ...managers.filter((p) => p.addr !== m.advertiseAddr),
        ];
      }
      if (!run.current()) return;
      // A manager trusts the cluster's root CA and keeps the file of it current (SK SaveRootCA).
      if (startedAsManager && trustRoot) state.saveRootCA(trustRoot);
      const work = new TaskWork({
        tasksDir: tasksDirOf(state.swarmDir),
        send: (updates) => {
          const h = this.handle;
          return h ? h.updateTaskStatus(updates) : Promise.reject(new Error("agent: stopped"));
        },
        onActor: this.opts.onActor,
        log: this.opts.log,
      });
      this.work = work;
      this.handle = startAgent({
        credentials: tlsClientCredentials(identity, tls),
        description: nodeDescription(this.opts.name, trustRoot ? tlsInfoOf(trustRoot) : null),
        managers,
        profile: this.opts.profile,
        onRegistered: run.only(() => {
          work.sessionRegistered();
          send({ type: "AGENT_READY" });
        }),
        onAssignments: run.only((msg: AssignmentsMessage__Output) => work.worker.apply(msg)),
        onSessionMessage: run.only(this.opts.onSessionMessage),
        onManagersChanged: run.only((peers: Peer[]) => state.saveManagers(peers)),
        onActor: this.opts.onActor,
      });
    };
    go().catch((e: unknown) => {
      if (run.current()) send({ type: "NODE_EXITED", error: toRpcError(e).message });
    });
  }

  async stop(): Promise<void> {
    const a = this.handle;
    const w = this.work;
    this.handle = null;
    this.work = null;
    this.known = [];
    await a?.stop();
    await w?.close();
  }
}
