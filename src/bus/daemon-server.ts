import type { Msg, NatsConnection } from "@nats-io/transport-node";
import { defaultLog, type Log } from "../log.ts";
import { Code, rpcError } from "../rpc/status.ts";
import { type DaemonRequest, type DaemonResults, type DaemonVerb, daemonRequests } from "./daemon-contract.ts";
import { describeIssues, errorReply, okReply, type Reply, sendReply } from "./envelope.ts";
import { type PayloadLimits, parseBoundedJson } from "./payload-guard.ts";
import { subjects } from "./subjects.ts";

export type DaemonHandlers = {
  [V in DaemonVerb]?: (req: DaemonRequest<V>) => Promise<DaemonResults[V]>;
};

export interface DaemonApiServer {
  /** Stops taking requests; the ones in flight go on. */
  close(): Promise<void>;
  /** Resolves once every request in flight has been answered. */
  settled(): Promise<void>;
  /** close(), then settled(). */
  stop(): Promise<void>;
}

/**
 * Bounds on a daemon API request, checked before it is parsed: the largest the CLI sends
 * is a service spec (a few KiB), the deepest too: request → spec → TaskTemplate → Placement →
 * Preferences → [ ] → { Spread } is 7 levels, so 8 as the control API allows.
 */
export const DAEMON_REQUEST_LIMITS: PayloadLimits = { maxBytes: 64 * 1024, maxDepth: 8 };

export const isDaemonVerb = (verb: string): verb is DaemonVerb => Object.hasOwn(daemonRequests, verb);

/**
 * Serves the CLI → daemon API of one node on `<p>.daemon.<nodeName>.>`.
 * Every request is validated before a handler sees it (unknown verb →
 * Unimplemented `unknown command <verb>`; over DAEMON_REQUEST_LIMITS →
 * ResourceExhausted / InvalidArgument before any parsing; not JSON → InvalidArgument
 * `invalid request payload: …`; schema mismatch → InvalidArgument naming the
 * field); a handler's error is sent back as an RpcError (`toRpcError`); nothing
 * a client sends takes the subscription down. Requests wait for `opts.ready`
 * when given. A large result (`node.ls` of
 * thousands of nodes) goes back in chunks (chunked-reply.ts).
 */
export function serveDaemonApi(
  nc: NatsConnection,
  nodeName: string,
  handlers: DaemonHandlers,
  opts: { log?: Log; ready?: Promise<void> } = {},
): DaemonApiServer {
  const log = opts.log ?? defaultLog();
  const s = subjects();
  const inFlight = new Set<Promise<void>>();

  const answer = async (msg: Msg): Promise<void> => {
    // A request that comes before the daemon is ready waits, as on dockerd's socket before it serves.
    await opts.ready;
    const verb = s.daemonVerb(nodeName, msg.subject) ?? "";
    let reply: Reply<unknown>;
    try {
      reply = okReply(await dispatch(verb, msg.data));
    } catch (e) {
      reply = errorReply(e);
      if (reply.ok === false && reply.error.code !== Code.InvalidArgument && reply.error.code !== Code.Unimplemented) {
        log.warn({ node: nodeName, verb, code: reply.error.code, err: reply.error.message }, "daemon command failed");
      }
    }
    sendReply(nc, msg, reply, { log, context: { node: nodeName, verb } });
  };

  const dispatch = async (verb: string, body: Uint8Array): Promise<unknown> => {
    if (!isDaemonVerb(verb)) throw rpcError("Unimplemented", `unknown command ${verb}`);
    const json = parseBoundedJson(body, DAEMON_REQUEST_LIMITS, `a ${verb} request`);
    const parsed = daemonRequests[verb].safeParse(json);
    if (!parsed.success) throw rpcError("InvalidArgument", `invalid ${verb} request: ${describeIssues(parsed.error)}`);
    const handler = handlers[verb] as ((req: unknown) => Promise<unknown>) | undefined;
    if (!handler) throw rpcError("Unimplemented", `command ${verb} is not implemented by this daemon`);
    return await handler(parsed.data);
  };

  const sub = nc.subscribe(s.daemonAll(nodeName), {
    callback: (err, msg) => {
      if (err) {
        log.error({ node: nodeName, err: err.message }, "daemon API subscription error");
        return;
      }
      const p = answer(msg).finally(() => inFlight.delete(p));
      inFlight.add(p);
    },
  });

  const close = async (): Promise<void> => {
    if (sub.isClosed()) return;
    try {
      await sub.drain();
    } catch {
      sub.unsubscribe();
    }
  };
  const settled = async (): Promise<void> => {
    await Promise.allSettled([...inFlight]);
  };
  return {
    close,
    settled,
    async stop() {
      await close();
      await settled();
    },
  };
}
