import type { Metadata, ServerUnaryCall, sendUnaryData } from "@grpc/grpc-js";
import { toRpcError } from "../../rpc/status.ts";
import { decoded } from "../safe-service.ts";
import { isConnectionError } from "./leader-channels.ts";
import { type AnyMethod, asServiceError, type ProxiedMethod, type RelayContext } from "./relay-context.ts";
import { acceptForwarded, callerDeadline, malformed } from "./relayed-call.ts";

export type UnaryHandler = (call: ServerUnaryCall<unknown, unknown>, cb: sendUnaryData<unknown>) => void;

/** One unary call to the leader at `addr`, cancelled with `signal`. */
function unaryTo(
  ctx: RelayContext,
  addr: string,
  def: AnyMethod,
  req: unknown,
  md: Metadata,
  deadline: number | undefined,
  signal: AbortSignal,
): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const c = ctx.channels
      .get(addr)
      .makeUnaryRequest(
        def.path,
        def.requestSerialize,
        def.responseDeserialize,
        req,
        md,
        deadline === undefined ? {} : { deadline },
        (err, res) => (err ? reject(err) : resolve(res)),
      );
    signal.addEventListener("abort", () => c.cancel(), { once: true });
  });
}

/**
 * A unary method of the raft proxy: served here when this manager leads,
 * else relayed to the leader; a call that fails on the connection to the
 * leader is retried once, on the leader found by polling.
 */
export function relayUnary(ctx: RelayContext, m: ProxiedMethod<UnaryHandler>): UnaryHandler {
  return (call, cb) => {
    const serveLocally = () => {
      try {
        acceptForwarded(call, m.policy);
      } catch (e) {
        cb(asServiceError(toRpcError(e)));
        return;
      }
      m.local(call, cb);
    };
    if (ctx.leader.isLeader()) return serveLocally();
    const bad = malformed(call);
    if (bad) return cb(asServiceError(bad));
    const abort = new AbortController();
    call.on("cancelled", () => abort.abort());
    const deadline = callerDeadline(call);
    const waitUntil = deadline ?? Date.now() + ctx.requestTimeoutMs;
    void (async () => {
      const choice = await ctx.chooser.where(waitUntil, abort.signal);
      if (choice.local) return serveLocally();
      const md = ctx.relayMetadata(call);
      const req = decoded(call.request);
      try {
        cb(null, await unaryTo(ctx, choice.leader, m.def, req, md, deadline, abort.signal));
      } catch (e) {
        if (!isConnectionError(e)) throw e;
        const next = await ctx.chooser.pollNewLeader(waitUntil, abort.signal);
        if (next.local) return serveLocally();
        cb(null, await unaryTo(ctx, next.leader, m.def, req, md, deadline, abort.signal));
      }
    })().catch((e: unknown) => cb(asServiceError(toRpcError(e))));
  };
}
