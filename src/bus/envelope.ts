import type { Msg, NatsConnection } from "@nats-io/transport-node";
import { z } from "zod";
import type { Log } from "../log.ts";
import { fromWire, isRpcError, type RpcError, rpcError, toRpcError, type WireError } from "../rpc/status.ts";
import {
  type ChunkedRequestOptions,
  NoResponders,
  type RespondOptions,
  requestChunked,
  respondChunked,
} from "./chunked-reply.ts";

/**
 * The reply to every request on the bus (daemon API, control API, remote actors):
 * `{ ok: true, result }` or `{ ok: false, error: WireError }`.
 */
export type Reply<T> = { ok: true; result: T } | { ok: false; error: WireError };

const WireErrorSchema = z.object({
  code: z.number().int().min(0),
  message: z.string(),
  plain: z.boolean().optional(),
});

export const ReplySchema = z.discriminatedUnion("ok", [
  z.object({ ok: z.literal(true), result: z.unknown() }),
  z.object({ ok: z.literal(false), error: WireErrorSchema }),
]);

export const okReply = <T>(result: T): Reply<T> => ({ ok: true, result });
export const errorReply = (e: unknown): Reply<never> => ({ ok: false, error: toRpcError(e).toJSON() });

/** Zod's issues as one line that names each field: `token: Invalid input: expected string, received number`. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((i) => (i.path.length > 0 ? `${i.path.map(String).join(".")}: ${i.message}` : i.message))
    .join("; ");
}

/**
 * Parses a request body as JSON (an empty body is `{}`), or throws
 * InvalidArgument `invalid request payload: <why>`.
 */
export function parseJsonBody(text: string): unknown {
  if (text.trim() === "") return {};
  try {
    return JSON.parse(text);
  } catch (e) {
    throw rpcError("InvalidArgument", `invalid request payload: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/**
 * Sends `body` to `subject` and unwraps the reply envelope, which may come in
 * chunks (chunked-reply.ts): the result, or the RpcError the responder sent.
 * No responder → NoResponders; no reply in time → DeadlineExceeded
 * `context deadline exceeded` (what Go prints); a reply that is not an
 * envelope → Internal.
 */
export async function requestEnvelope(
  nc: NatsConnection,
  subject: string,
  body: string,
  opts: ChunkedRequestOptions,
): Promise<unknown> {
  let text: string;
  try {
    text = Buffer.from(await requestChunked(nc, subject, body, opts)).toString("utf8");
  } catch (e) {
    if (e instanceof NoResponders || isRpcError(e)) throw e;
    throw toRpcError(e);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw rpcError("Internal", `${opts.what} sent a reply that is not JSON: ${truncate(text)}`);
  }
  const reply = ReplySchema.safeParse(json);
  if (!reply.success) {
    throw rpcError(
      "Internal",
      `${opts.what} sent an invalid reply (${describeIssues(reply.error)}): ${truncate(text)}`,
    );
  }
  if (!reply.data.ok) throw fromWire(reply.data.error);
  return reply.data.result;
}

/** requestEnvelope with a JSON body, and `noResponders()` as the error when nobody serves the subject. */
export async function requestReply(
  nc: NatsConnection,
  subject: string,
  body: unknown,
  opts: { timeoutMs: number; noResponders: () => RpcError; what: string },
): Promise<unknown> {
  try {
    return await requestEnvelope(nc, subject, JSON.stringify(body), { timeoutMs: opts.timeoutMs, what: opts.what });
  } catch (e) {
    if (e instanceof NoResponders) throw opts.noResponders();
    throw e;
  }
}

/**
 * Answers `msg` with `reply`, in chunks if it is large. A reply that cannot be
 * sent (over the size bound, or the caller takes no chunks) is replaced by its
 * ResourceExhausted error, so the caller hears why instead of waiting out its
 * deadline; a failure to send even that is logged.
 */
export function sendReply(
  nc: NatsConnection,
  msg: Msg,
  reply: Reply<unknown>,
  opts: RespondOptions & { log: Log; context: Record<string, unknown> },
): void {
  try {
    try {
      respondChunked(nc, msg, JSON.stringify(reply), opts);
    } catch (e) {
      if (!isRpcError(e, "ResourceExhausted")) throw e;
      opts.log.warn({ ...opts.context, err: e.message }, "reply too large to send");
      respondChunked(nc, msg, JSON.stringify(errorReply(e)), opts);
    }
  } catch (e) {
    opts.log.warn({ ...opts.context, err: String(e) }, "could not send the reply");
  }
}

function truncate(s: string, n = 200): string {
  return s.length > n ? `${s.slice(0, n)}…` : s;
}
