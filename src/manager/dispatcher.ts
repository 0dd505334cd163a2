import type { ServerUnaryCall, ServerWritableStream, sendUnaryData, UntypedServiceImplementation } from "@grpc/grpc-js";
import type { AnyActorRef } from "xstate";
import type { ServerSideCredentials } from "../ca/credentials.ts";
import type { TimingProfile } from "../config/profile.ts";
import type { AssignmentsMessage } from "../gen/docker/swarmkit/v1/AssignmentsMessage.ts";
import type { AssignmentsRequest__Output } from "../gen/docker/swarmkit/v1/AssignmentsRequest.ts";
import type { HeartbeatRequest__Output } from "../gen/docker/swarmkit/v1/HeartbeatRequest.ts";
import type { HeartbeatResponse } from "../gen/docker/swarmkit/v1/HeartbeatResponse.ts";
import type { Node__Output } from "../gen/docker/swarmkit/v1/Node.ts";
import type { SessionMessage } from "../gen/docker/swarmkit/v1/SessionMessage.ts";
import type { SessionRequest__Output } from "../gen/docker/swarmkit/v1/SessionRequest.ts";
import type { UpdateTaskStatusRequest__Output } from "../gen/docker/swarmkit/v1/UpdateTaskStatusRequest.ts";
import type { UpdateTaskStatusResponse } from "../gen/docker/swarmkit/v1/UpdateTaskStatusResponse.ts";
import type { WeightedPeer } from "../gen/docker/swarmkit/v1/WeightedPeer.ts";
import { defaultLog, type Log } from "../log.ts";
import { rpcError, toRpcError } from "../rpc/status.ts";
import { AssignmentSet } from "./assignment-set.ts";
import { LivenessActors } from "./liveness.ts";
import { NODE_NOT_REGISTERED, NodeRegistry } from "./node-registry.ts";
import { NodeStatusBatch } from "./node-status-batch.ts";
import { OpenStreams } from "./open-streams.ts";
import { choosePeriodMs, toDuration } from "./period.ts";
import { decoded, type MalformedRequest } from "./safe-service.ts";
import type { Store } from "./store.ts";
import { TaskStatusBatch } from "./task-status-batch.ts";
import { sessionWatchByNode, taskWatchByNode, type WatchByNode } from "./watch-by-node.ts";

/**
 * SwarmKit's Dispatcher (SK: manager/dispatcher/dispatcher.go), served by the
 * leader: Session, Heartbeat, UpdateTaskStatus, Assignments. Liveness of each
 * node is a node-liveness actor (see liveness.ts); the store holds the truth.
 */
export const DISPATCHER_STOPPED = "dispatcher is stopped";
export const TASK_NOT_ASSIGNED = "cannot update a task not assigned this node";
/** managers' weight in SessionMessage (remotes.DefaultObservationWeight). */
export const MANAGER_WEIGHT = 10;

export interface DispatcherOptions {
  store: Store;
  credentials: ServerSideCredentials;
  profile: TimingProfile;
  /** This manager (AppliedBy of task updates; the managers list when `managers` is absent). */
  self: () => { nodeId: string; addr: string };
  /** Every raft member, as sent in SessionMessage.managers (weight 10 each). */
  managers?: () => { nodeId: string; addr: string }[];
  onActor?: (name: string, actor: AnyActorRef) => void;
  random?: () => number;
  log?: Log;
}

type Req<T> = T | MalformedRequest;
/** What authentication reads of a Dispatcher call (unary or stream). */
type Call<T> = Pick<ServerUnaryCall<Req<T>, unknown>, "request" | "metadata" | "getPeer" | "getAuthContext">;

/** The IP of a grpc-js peer string ("127.0.0.1:5000", "[::1]:5000", "ipv4:…"). */
export function peerIp(peer: string): string {
  const p = peer.replace(/^ipv[46]:/, "");
  if (p.startsWith("[")) return p.slice(1, p.indexOf("]"));
  const i = p.lastIndexOf(":");
  return i > 0 && p.indexOf(":") === i ? p.slice(0, i) : p;
}

export class Dispatcher {
  readonly registry: NodeRegistry;
  readonly liveness: LivenessActors;
  private running = false;
  private readonly streams: OpenStreams;
  private readonly random: () => number;
  private statusBatch: NodeStatusBatch;
  private taskStatusBatch: TaskStatusBatch;
  /** Re-sends the SessionMessage of each open session (a cluster or membership change). */
  private readonly sessionSenders = new Set<() => void>();
  private readonly tasksByNode: ReturnType<typeof taskWatchByNode>;
  private readonly sessionsByNode: WatchByNode;

  constructor(private readonly opts: DispatcherOptions) {
    this.random = opts.random ?? Math.random;
    this.tasksByNode = taskWatchByNode(opts.store);
    this.sessionsByNode = sessionWatchByNode(opts.store);
    this.registry = new NodeRegistry(opts.profile);
    this.streams = new OpenStreams(this.registry);
    this.statusBatch = new NodeStatusBatch(opts.store, opts.profile.batchIntervalMs);
    this.taskStatusBatch = this.newTaskStatusBatch();
    this.liveness = new LivenessActors({
      store: opts.store,
      onUnregister: (nodeId) => {
        this.registry.delete(nodeId);
        this.recheckStreams(nodeId);
      },
      registrations: this.registry,
      ...(opts.onActor ? { onActor: opts.onActor } : {}),
    });
  }

  private newTaskStatusBatch(): TaskStatusBatch {
    return new TaskStatusBatch(
      this.opts.store,
      this.opts.profile.batchIntervalMs,
      () => this.opts.self().nodeId,
      this.opts.log ?? defaultLog(),
    );
  }

  /**
   * periodChooser.Choose with the cluster spec's Dispatcher.HeartbeatPeriod as
   * the base when set (it overrides the default, as in Swarm), else the profile's.
   */
  private choosePeriod(): number {
    const base = this.opts.store.view((tx) => tx.cluster()?.spec.dispatcher.heartbeatPeriodMs);
    const profile = base ? { ...this.opts.profile, heartbeatPeriodMs: base } : this.opts.profile;
    return choosePeriodMs(profile, this.random);
  }

  private graceMs(periodMs: number): number {
    return periodMs * this.opts.profile.gracePeriodMultiplier;
  }

  /** Run (becoming leader): markNodesUnknown, then serve. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.statusBatch = new NodeStatusBatch(this.opts.store, this.opts.profile.batchIntervalMs);
    this.taskStatusBatch = this.newTaskStatusBatch();
    for (const node of this.opts.store.view((tx) => tx.nodes())) {
      const wasDown = node.status?.state === "DOWN";
      if (!wasDown) this.registry.addUnknown(node.id);
      this.liveness.of(node.id).send({
        type: "LEADERSHIP_CHANGED",
        graceMs: this.graceMs(this.choosePeriod()) * 2,
        wasDown,
      });
    }
  }

  stop(): void {
    if (!this.running) return;
    this.running = false;
    this.statusBatch.stop();
    this.taskStatusBatch.stop();
    this.streams.endAll(rpcError("Aborted", DISPATCHER_STOPPED));
    this.liveness.stopAll();
    this.registry.clear();
  }

  /** A node object was deleted: its actor ends (final), its streams end. */
  nodeRemoved(nodeId: string): void {
    this.registry.delete(nodeId);
    this.liveness.remove(nodeId);
    this.recheckStreams(nodeId);
  }

  private ensureRunning(): void {
    if (!this.running) throw rpcError("Aborted", DISPATCHER_STOPPED);
  }

  private recheckStreams(nodeId: string): void {
    this.streams.recheck(nodeId);
  }

  /** The raft membership changed: every open session gets the new managers list. */
  managersChanged(): void {
    for (const send of [...this.sessionSenders]) send();
  }

  private managers(): WeightedPeer[] {
    const list = this.opts.managers?.() ?? [this.opts.self()];
    return list.map((m) => ({ peer: { node_id: m.nodeId, addr: m.addr }, weight: MANAGER_WEIGHT }));
  }

  private markNodeReady(
    nodeId: string,
    addr: string,
    description: Node__Output["description"],
    checkSession?: () => void,
  ): Promise<void> {
    return this.statusBatch.markReady(nodeId, addr, description, checkSession);
  }

  private async register(nodeId: string, addr: string, description: Node__Output["description"]): Promise<string> {
    this.registry.checkRateLimit(nodeId);
    if (!this.opts.store.view((tx) => tx.node(nodeId))) throw rpcError("Unknown", "node not found");
    // While under way, a grace expiry of the node's old session writes no DOWN (see NodeRegistry.registeredSince).
    const ended = this.registry.beginRegistration(nodeId);
    try {
      await this.markNodeReady(nodeId, addr, description);
    } finally {
      ended();
    }
    this.ensureRunning();
    const rn = this.registry.add(nodeId);
    const period = this.choosePeriod();
    this.liveness.of(nodeId).send({ type: "REGISTERED", graceMs: this.graceMs(period) });
    this.recheckStreams(nodeId);
    return rn.sessionId;
  }

  private rootCA(): Buffer {
    return this.opts.store.view((tx) => tx.cluster()?.rootCA.caCert) ?? Buffer.alloc(0);
  }

  /**
   * What every Dispatcher call checks first, in SwarmKit's order: the
   * dispatcher runs (isRunningLocked), the request decodes, the caller's
   * certificate names a node (ca.AuthorizeNode). Throws the RpcError to answer.
   */
  private authCaller<T>(call: Call<T>): { req: T; nodeId: string } {
    this.ensureRunning();
    const req = decoded(call.request);
    const { nodeId } = this.opts.credentials.authenticate(call);
    return { req, nodeId };
  }

  /** authCaller, and the request's session is the node's registered one (nodes.GetWithSession). */
  private authSession<T extends { session_id: string }>(call: Call<T>): { req: T; nodeId: string; sessionId: string } {
    const { req, nodeId } = this.authCaller(call);
    const { sessionId } = this.registry.getWithSession(nodeId, req.session_id);
    return { req, nodeId, sessionId };
  }

  session(call: ServerWritableStream<Req<SessionRequest__Output>, SessionMessage>): void {
    void this.openSession(call);
  }

  private async openSession(call: ServerWritableStream<Req<SessionRequest__Output>, SessionMessage>): Promise<void> {
    let sessionId = "";
    let nodeId = "";
    try {
      const caller = this.authCaller(call);
      const req = caller.req;
      nodeId = caller.nodeId;
      const addr = peerIp(call.getPeer());
      const description = req.description as Node__Output["description"];
      let known: string | undefined;
      try {
        known = this.registry.getWithSession(nodeId, req.session_id).sessionId;
      } catch {
        known = undefined;
      }
      if (known !== undefined) {
        sessionId = known;
        const session = known;
        // Not written if the session expired meanwhile: the DOWN decided after it stays the last write.
        await this.markNodeReady(nodeId, addr, description, () => this.registry.getWithSession(nodeId, session));
      } else {
        sessionId = await this.register(nodeId, addr, description);
      }
      this.ensureRunning();
    } catch (e) {
      call.emit("error", toRpcError(e).toServiceError());
      return;
    }
    const stream = this.streams.open(call, nodeId, sessionId, () => {
      unwatch();
      this.sessionSenders.delete(send);
    });
    const send = () => {
      if (!stream.recheck()) return;
      const node = this.opts.store.view((tx) => tx.node(nodeId));
      if (!node) {
        stream.end(rpcError("NotFound", NODE_NOT_REGISTERED));
        return;
      }
      call.write({
        session_id: sessionId,
        node,
        managers: this.managers(),
        network_bootstrap_keys: [],
        RootCA: this.rootCA(),
      });
    };
    const unwatch = this.sessionsByNode.watch(nodeId, send);
    this.sessionSenders.add(send);
    send();
  }

  heartbeat(
    call: ServerUnaryCall<Req<HeartbeatRequest__Output>, HeartbeatResponse>,
    cb: sendUnaryData<HeartbeatResponse>,
  ) {
    try {
      const { nodeId } = this.authSession(call);
      const period = this.choosePeriod();
      this.liveness.of(nodeId).send({ type: "HEARTBEAT", graceMs: this.graceMs(period) });
      cb(null, { period: toDuration(period) });
    } catch (e) {
      cb(toRpcError(e).toServiceError());
    }
  }

  updateTaskStatus(
    call: ServerUnaryCall<Req<UpdateTaskStatusRequest__Output>, UpdateTaskStatusResponse>,
    cb: sendUnaryData<UpdateTaskStatusResponse>,
  ) {
    try {
      const { req, nodeId } = this.authSession(call);
      for (const u of req.updates) {
        if (u.task_id === "") throw rpcError("InvalidArgument", "task status update without a task ID");
        if (!u.status) throw rpcError("InvalidArgument", `task status update for task ${u.task_id} without a status`);
      }
      const known = this.opts.store.view((tx) =>
        req.updates.flatMap((u) => {
          const task = tx.task(u.task_id);
          return task ? [{ task, u }] : [];
        }),
      );
      for (const { task } of known) {
        if (task.node_id !== nodeId) throw rpcError("PermissionDenied", TASK_NOT_ASSIGNED);
      }
      const written = this.taskStatusBatch.update(
        known.flatMap(({ u }) => (u.status ? [{ taskId: u.task_id, status: u.status }] : [])),
      );
      written.then(
        () => cb(null, {}),
        (e: unknown) => cb(toRpcError(e).toServiceError()),
      );
    } catch (e) {
      cb(toRpcError(e).toServiceError());
    }
  }

  assignments(call: ServerWritableStream<Req<AssignmentsRequest__Output>, AssignmentsMessage>): void {
    let nodeId = "";
    let sessionId = "";
    try {
      ({ nodeId, sessionId } = this.authSession(call));
    } catch (e) {
      call.emit("error", toRpcError(e).toServiceError());
      return;
    }
    const set = new AssignmentSet((msg) => {
      if (stream.recheck()) call.write(msg);
    }, this.opts.profile.batchIntervalMs);
    const stream = this.streams.open(call, nodeId, sessionId, () => {
      unwatch();
      set.stop();
    });
    const unwatch = this.tasksByNode.watch(nodeId, (e) => {
      if (e.action === "delete") set.remove(e.task.id);
      else set.update(e.task);
    });
    set.complete(this.opts.store.view((tx) => tx.tasksOfNode(nodeId)));
  }

  /** The grpc-js implementation of the Dispatcher service. */
  handlers(): UntypedServiceImplementation {
    return {
      Session: this.session.bind(this),
      Heartbeat: this.heartbeat.bind(this),
      UpdateTaskStatus: this.updateTaskStatus.bind(this),
      Assignments: this.assignments.bind(this),
    };
  }
}
