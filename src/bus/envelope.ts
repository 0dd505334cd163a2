import type { NatsConnection } from "@nats-io/transport-node";
import { errors } from "@nats-io/transport-node";
import { z } from "zod";
import { fromWire, type RpcError, rpcError, toRpcError, type WireError } from "../rpc/status.ts";

/**
 * The reply to every request on the bus (daemon API, remote actors):
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
 * Sends `body` as JSON to `subject` and unwraps the reply envelope: the result,
 * or the RpcError the responder sent. No responder → `noResponders()`; no reply
 * in time → DeadlineExceeded `context deadline exceeded` (what Go prints);
 * a reply that is not an envelope → Internal.
 */
export async function requestReply(
  nc: NatsConnection,
  subject: string,
  body: unknown,
  opts: { timeoutMs: number; noResponders: () => RpcError; what: string },
): Promise<unknown> {
  let text: string;
  try {
    const msg = await nc.request(subject, JSON.stringify(body), { timeout: opts.timeoutMs });
    text = msg.string();
  } catch (e) {
    if (e instanceof errors.RequestError && e.isNoResponders()) throw opts.noResponders();
    if (e instanceof errors.NoRespondersError) throw opts.noResponders();
    if (e instanceof errors.TimeoutError) throw rpcError("DeadlineExceeded", "context deadline exceeded");
    if (e instanceof errors.ClosedConnectionError || e instanceof errors.DrainingConnectionError) {
      throw rpcError("Unavailable", `the connection to the NATS server is closed: ${e.message}`);
    }
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

function truncate(s: string, n = 200): string {
  return s.length > n ? `${s.slice(0, n)}…` : s;
}
