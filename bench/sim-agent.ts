import type { ClientReadableStream, StatusObject } from "@grpc/grpc-js";
import { durationMs } from "../src/agent/session-message.ts";
import type { ClientSideCredentials } from "../src/ca/credentials.ts";
import type { TimingProfile } from "../src/config/profile.ts";
import type { DispatcherClient } from "../src/gen/docker/swarmkit/v1/Dispatcher.ts";
import type { NodeDescription } from "../src/gen/docker/swarmkit/v1/NodeDescription.ts";
import type { SessionMessage__Output } from "../src/gen/docker/swarmkit/v1/SessionMessage.ts";
import { Code, codeName, RpcError, rpcError, toRpcError } from "../src/rpc/status.ts";
import {
  ASSIGNMENTS_PATH,
  decodeSimAssignments,
  type SimAssignmentChange,
  serializeAssignmentsRequest,
} from "./sim-assignments.ts";

/** What a simulated agent reports; the load process aggregates it. */
export interface AgentObserver {
  heartbeatOk(rttMs: number, periodMs: number): void;
  heartbeatFailed(error: RpcError): void;
  /** The session ended (any reason) and will be reopened after a backoff. */
  sessionEnded(error: RpcError): void;
}

/** "Code: message" with the varying parts (grpc-js deadline timings, node IDs) taken out, to count by cause. */
export const errorKey = (e: RpcError): string =>
  `${codeName(e.code)}: ${e.message
    .replace(/^Deadline exceeded after .*$/, "Deadline exceeded")
    .replace(/^node \S+ exceeded/, "node <id> exceeded")}`;

/**
 * One simulated agent: the same RPCs, in the same order, as SwarmKit's agent
 * session (SK: agent/session.go) and our src/agent, without the machine:
 * open Dispatcher.Session with the node's own identity, wait (≤ 5 s) for the
 * first SessionMessage and adopt its session ID, send the first Heartbeat at
 * once and each next one after the period the dispatcher returned (each with
 * a 5 s deadline), keep Dispatcher.Assignments open. On any error: close the
 * session, back off (100 ms + 2 × backoff, ≤ 8 s, full jitter) and reopen it
 * with the old session ID.
 */
export class SimAgent {
  private sessionId = "";
  private registered = false;
  private stopped = false;
  /** Bumped whenever a session is torn down: callbacks of an older one are ignored. */
  private generation = 0;
  private backoffMs = 0;
  private calls: { cancel(): void }[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private resolveFirst: () => void = () => {};
  /** Resolves at the first registration. */
  readonly firstRegistration: Promise<void>;

  constructor(
    private readonly client: DispatcherClient,
    private readonly creds: ClientSideCredentials,
    private readonly description: NodeDescription,
    private readonly profile: TimingProfile,
    private readonly observer: AgentObserver,
    private readonly watchAssignments: boolean,
    /** Each Assignments message with the session it came on (the scheduling benchmark's executor). */
    private readonly onAssignments?: (sessionId: string, changes: SimAssignmentChange[]) => void,
  ) {
    this.firstRegistration = new Promise((resolve) => {
      this.resolveFirst = resolve;
    });
  }

  get nodeId(): string {
    return this.creds.identity.nodeId;
  }

  isRegistered(): boolean {
    return this.registered;
  }

  start(): void {
    this.openSession();
  }

  stop(): void {
    this.stopped = true;
    this.teardown();
  }

  private later(fn: () => void, ms: number): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn();
    }, ms);
    this.timers.add(t);
  }

  private teardown(): void {
    this.generation++;
    this.registered = false;
    for (const c of this.calls) c.cancel();
    for (const t of this.timers) clearTimeout(t);
    this.calls = [];
    this.timers.clear();
  }

  private fail(gen: number, error: RpcError): void {
    if (gen !== this.generation || this.stopped) return;
    this.teardown();
    this.observer.sessionEnded(error);
    this.backoffMs = Math.min(
      this.profile.sessionBackoffInitialMs + 2 * this.backoffMs,
      this.profile.sessionBackoffMaxMs,
    );
    this.later(() => this.openSession(), Math.random() * this.backoffMs);
  }

  private track<T>(gen: number, call: ClientReadableStream<T>, onData: (msg: T) => void): void {
    this.calls.push(call);
    call.on("data", (msg: T) => {
      if (gen === this.generation) onData(msg);
    });
    call.on("error", () => {}); // the status event carries it
    call.on("status", (s: StatusObject) => {
      if (gen !== this.generation) return;
      this.fail(
        gen,
        s.code === Code.OK ? new RpcError(Code.Unknown, "EOF") : toRpcError(Object.assign(new Error(s.details), s)),
      );
    });
  }

  private openSession(): void {
    if (this.stopped) return;
    const gen = this.generation;
    const call = this.client.Session(
      { description: this.description, session_id: this.sessionId },
      this.creds.callMetadata(),
    );
    let first = true;
    this.later(() => {
      if (first) this.fail(gen, rpcError("DeadlineExceeded", "session initiation timed out"));
    }, this.profile.dispatcherRpcTimeoutMs);
    this.track(gen, call, (msg: SessionMessage__Output) => {
      if (!first) return; // later messages (node updates) need no answer here
      first = false;
      if (typeof msg.session_id !== "string" || msg.session_id === "") {
        this.fail(gen, rpcError("InvalidArgument", "session message without a session ID"));
        return;
      }
      this.sessionId = msg.session_id;
      this.registered = true;
      this.backoffMs = 0;
      this.resolveFirst();
      this.heartbeat(gen);
      if (this.watchAssignments) {
        const sessionId = this.sessionId;
        this.track(
          gen,
          this.client.makeServerStreamRequest(
            ASSIGNMENTS_PATH,
            serializeAssignmentsRequest,
            decodeSimAssignments,
            { session_id: sessionId },
            this.creds.callMetadata(),
          ),
          (changes: SimAssignmentChange[]) => this.onAssignments?.(sessionId, changes),
        );
      }
    });
  }

  private heartbeat(gen: number): void {
    if (gen !== this.generation) return;
    const t0 = performance.now();
    const call = this.client.Heartbeat(
      { session_id: this.sessionId },
      this.creds.callMetadata(),
      { deadline: Date.now() + this.profile.dispatcherRpcTimeoutMs },
      (err, resp) => {
        if (gen !== this.generation) return;
        const i = this.calls.indexOf(call);
        if (i >= 0) this.calls.splice(i, 1);
        if (err) {
          const e = toRpcError(err);
          this.observer.heartbeatFailed(e);
          // SK: a NotFound heartbeat is errNodeNotRegistered; either way the session breaks.
          this.fail(gen, e.code === Code.NotFound ? rpcError("NotFound", "node not registered") : e);
          return;
        }
        const periodMs = durationMs(resp?.period);
        this.observer.heartbeatOk(performance.now() - t0, periodMs);
        this.later(() => this.heartbeat(gen), periodMs);
      },
    );
    this.calls.push(call);
  }
}
