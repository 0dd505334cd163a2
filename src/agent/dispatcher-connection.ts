import type { ChannelOptions, ClientReadableStream, StatusObject } from "@grpc/grpc-js";
import type { ClientSideCredentials } from "../ca/credentials.ts";
import type { AssignmentsMessage__Output } from "../gen/docker/swarmkit/v1/AssignmentsMessage.ts";
import type { DispatcherClient } from "../gen/docker/swarmkit/v1/Dispatcher.ts";
import type { NodeDescription } from "../gen/docker/swarmkit/v1/NodeDescription.ts";
import type { SessionMessage__Output } from "../gen/docker/swarmkit/v1/SessionMessage.ts";
import type { TaskStatus } from "../gen/docker/swarmkit/v1/TaskStatus.ts";
import { swarmkit } from "../rpc/proto.ts";
import { Code, RpcError, rpcError, toRpcError } from "../rpc/status.ts";
import { durationMs } from "./session-message.ts";

/** What a stream reports when it ends; an OK end is Go's io.EOF. */
export type StreamEnd = (error: RpcError) => void;

/**
 * One gRPC channel to one manager's Dispatcher (SK: connectionbroker Conn):
 * every call carries the node's credentials and metadata. Closing it cancels
 * the calls still running on it.
 */
export class DispatcherConnection {
  readonly addr: string;
  private readonly client: DispatcherClient;
  private readonly credentials: ClientSideCredentials;
  private readonly calls = new Set<{ cancel(): void }>();
  private closed = false;

  constructor(addr: string, credentials: ClientSideCredentials, options: ChannelOptions = {}) {
    this.addr = addr;
    this.credentials = credentials;
    this.client = new swarmkit.Dispatcher(addr, credentials.channelCredentials(), {
      ...credentials.channelOptions(),
      ...options,
    });
  }

  /** Dispatcher.Session; returns a function that cancels the stream (onEnd is not called then). */
  session(
    req: { description: NodeDescription; sessionId: string },
    onMessage: (msg: SessionMessage__Output) => void,
    onEnd: StreamEnd,
  ): () => void {
    const call = this.client.Session(
      { description: req.description, session_id: req.sessionId },
      this.credentials.callMetadata(),
    );
    return this.track(call, onMessage, onEnd);
  }

  /** Dispatcher.Assignments; returns a function that cancels the stream. */
  assignments(sessionId: string, onMessage: (msg: AssignmentsMessage__Output) => void, onEnd: StreamEnd): () => void {
    const call = this.client.Assignments({ session_id: sessionId }, this.credentials.callMetadata());
    return this.track(call, onMessage, onEnd);
  }

  /** Dispatcher.Heartbeat with a deadline; resolves with the period (ms), rejects with an RpcError. */
  heartbeat(sessionId: string, timeoutMs: number): Promise<{ periodMs: number }> {
    if (this.closed) return Promise.reject(rpcError("Canceled", "grpc: the client connection is closing"));
    return new Promise((resolve, reject) => {
      const call = this.client.Heartbeat(
        { session_id: sessionId },
        this.credentials.callMetadata(),
        { deadline: Date.now() + timeoutMs },
        (err, resp) => {
          this.calls.delete(call);
          if (err) return reject(toRpcError(err));
          resolve({ periodMs: durationMs(resp?.period) });
        },
      );
      this.calls.add(call);
    });
  }

  /** Dispatcher.UpdateTaskStatus with a deadline; rejects with an RpcError. */
  updateTaskStatus(
    sessionId: string,
    updates: readonly { taskId: string; status: TaskStatus }[],
    timeoutMs: number,
  ): Promise<void> {
    if (this.closed) return Promise.reject(rpcError("Canceled", "grpc: the client connection is closing"));
    return new Promise((resolve, reject) => {
      const call = this.client.UpdateTaskStatus(
        { session_id: sessionId, updates: updates.map((u) => ({ task_id: u.taskId, status: u.status })) },
        this.credentials.callMetadata(),
        { deadline: Date.now() + timeoutMs },
        (err) => {
          this.calls.delete(call);
          if (err) return reject(toRpcError(err));
          resolve();
        },
      );
      this.calls.add(call);
    });
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const c of this.calls) c.cancel();
    this.calls.clear();
    this.client.close();
  }

  private track<T>(call: ClientReadableStream<T>, onMessage: (msg: T) => void, onEnd: StreamEnd): () => void {
    let cancelled = false;
    const handle = {
      cancel: () => {
        cancelled = true;
        call.cancel();
      },
    };
    this.calls.add(handle);
    call.on("data", (msg: T) => {
      if (!cancelled) onMessage(msg);
    });
    // Errors also arrive as a status; this listener only keeps them from being unhandled.
    call.on("error", () => {});
    call.on("status", (s: StatusObject) => {
      this.calls.delete(handle);
      if (cancelled) return;
      cancelled = true;
      onEnd(
        s.code === Code.OK ? new RpcError(Code.Unknown, "EOF") : toRpcError(Object.assign(new Error(s.details), s)),
      );
    });
    return () => {
      if (cancelled) return;
      this.calls.delete(handle);
      handle.cancel();
    };
  }
}
