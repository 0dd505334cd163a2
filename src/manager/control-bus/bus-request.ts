import type { NatsConnection } from "@nats-io/transport-node";
import { NoResponders } from "../../bus/chunked-reply.ts";
import { requestEnvelope } from "../../bus/envelope.ts";

export { NoResponders };

/**
 * One control call with headers, unwrapping the `{ok, result|error}` envelope
 * (a large reply comes in chunks): the result, the responder's RpcError,
 * NoResponders, or DeadlineExceeded "context deadline exceeded" when no whole
 * reply comes within `timeoutMs`.
 */
export function envelopeRequest(
  nc: NatsConnection,
  subject: string,
  body: string,
  opts: { timeoutMs: number; headers: Record<string, string>; what: string },
): Promise<unknown> {
  return requestEnvelope(nc, subject, body, { ...opts, timeoutMs: Math.max(1, Math.floor(opts.timeoutMs)) });
}
