import type { ServerWritableStream, ServiceError } from "@grpc/grpc-js";
import { type RpcError, toRpcError } from "../rpc/status.ts";
import type { NodeRegistry } from "./node-registry.ts";

/**
 * The dispatcher's open server streams (Session, Assignments), each bound to a
 * node's session. Before each send, and whenever the node's registration
 * changes, a stream re-checks its session (SK: dispatcher.go) and ends with
 * InvalidArgument "session invalid" / NotFound "node not registered".
 */
export interface OpenStream {
  readonly nodeId: string;
  readonly sessionId: string;
  /** True if the session is still valid; otherwise ends the stream with the error and returns false. */
  recheck(): boolean;
  end(err: RpcError): void;
}

export class OpenStreams {
  private readonly streams = new Set<OpenStream>();

  constructor(private readonly registry: NodeRegistry) {}

  /** Tracks a stream; `cleanup` runs once when it ends or the client cancels. */
  open<Req, Res>(
    call: ServerWritableStream<Req, Res>,
    nodeId: string,
    sessionId: string,
    cleanup: () => void,
  ): OpenStream {
    let ended = false;
    const finish = () => {
      ended = true;
      this.streams.delete(stream);
      cleanup();
    };
    const stream: OpenStream = {
      nodeId,
      sessionId,
      recheck: () => {
        if (ended) return false;
        try {
          this.registry.getWithSession(nodeId, sessionId);
          return true;
        } catch (e) {
          stream.end(toRpcError(e));
          return false;
        }
      },
      end: (err) => {
        if (ended) return;
        finish();
        call.emit("error", err.toServiceError() as ServiceError);
      },
    };
    call.on("cancelled", () => {
      if (!ended) finish();
    });
    this.streams.add(stream);
    // A client that cancelled before the stream was tracked gets no event: clean up once the caller is set up.
    if (call.cancelled) queueMicrotask(() => !ended && finish());
    return stream;
  }

  recheck(nodeId: string): void {
    for (const s of [...this.streams]) if (s.nodeId === nodeId) s.recheck();
  }

  endAll(err: RpcError): void {
    for (const s of [...this.streams]) s.end(err);
  }
}
