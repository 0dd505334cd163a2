import type { ClientReadableStream, ServerWritableStream } from "@grpc/grpc-js";
import { Code, rpcError, toRpcError } from "../../rpc/status.ts";
import { decoded } from "../safe-service.ts";
import { asServiceError, type ProxiedMethod, type RelayContext } from "./relay-context.ts";
import { acceptForwarded, callerDeadline, malformed } from "./relayed-call.ts";

export type StreamHandler = (call: ServerWritableStream<unknown, unknown>) => void;

/** What grpc-go says when the connection under a stream goes away. */
export const TRANSPORT_CLOSING = "transport is closing";

/**
 * A server-streaming method of the raft proxy (Session, Assignments): served
 * here when this manager leads, else relayed message by message from the
 * leader, with backpressure; not retried (the agent opens a new session).
 */
export function relayStream(ctx: RelayContext, m: ProxiedMethod<StreamHandler>): StreamHandler {
  return (call) => {
    const fail = (e: unknown) => call.emit("error", asServiceError(toRpcError(e)));
    const serveLocally = () => {
      try {
        acceptForwarded(call, m.policy);
      } catch (e) {
        fail(e);
        return;
      }
      m.local(call);
    };
    if (ctx.leader.isLeader()) return serveLocally();
    const bad = malformed(call);
    if (bad) return fail(bad);
    const abort = new AbortController();
    let upstream: ClientReadableStream<unknown> | undefined;
    call.on("cancelled", () => {
      abort.abort();
      upstream?.cancel();
    });
    const deadline = callerDeadline(call);
    void (async () => {
      const choice = await ctx.chooser.where(deadline ?? Date.now() + ctx.requestTimeoutMs, abort.signal);
      if (choice.local) return serveLocally();
      const md = ctx.relayMetadata(call);
      const up = ctx.channels
        .get(choice.leader)
        .makeServerStreamRequest(
          m.def.path,
          m.def.requestSerialize,
          m.def.responseDeserialize,
          decoded(call.request),
          md,
          deadline === undefined ? {} : { deadline },
        );
      upstream = up;
      up.on("data", (msg: unknown) => {
        if (!call.write(msg)) {
          up.pause();
          call.once("drain", () => up.resume());
        }
      });
      up.on("error", (e: Error) => {
        if (abort.signal.aborted) return;
        // grpc-js reports a leader that went away under the stream as a cancelled call (a dropped
        // connection over TLS); grpc-go (and the agent) see the transport closing.
        const err = toRpcError(e);
        const gone =
          err.code === Code.Canceled || (err.code === Code.Unavailable && /Connection dropped/.test(err.message));
        fail(gone ? rpcError("Unavailable", TRANSPORT_CLOSING) : err);
      });
      up.on("status", (s: { code: number }) => {
        if (s.code === 0 && !abort.signal.aborted) call.end();
      });
    })().catch(fail);
  };
}
