import { errors, headers, type NatsConnection } from "@nats-io/transport-node";
import { describeIssues, ReplySchema } from "../../bus/envelope.ts";
import { fromWire, type RpcError, rpcError, toRpcError } from "../../rpc/status.ts";
import { CONTEXT_DEADLINE_EXCEEDED } from "../proxy/leader-conn.ts";

/** Nobody subscribes to the subject: the NATS analogue of a refused connection. */
export class NoResponders extends Error {
  constructor(readonly subject: string) {
    super(`no responders on ${subject}`);
  }
}

/**
 * One request/reply with headers, unwrapping the `{ok, result|error}` envelope:
 * the result, the responder's RpcError, NoResponders, or DeadlineExceeded
 * "context deadline exceeded" when no reply comes within `timeoutMs`.
 */
export async function envelopeRequest(
  nc: NatsConnection,
  subject: string,
  body: string,
  opts: { timeoutMs: number; headers: Record<string, string>; what: string },
): Promise<unknown> {
  const h = headers();
  for (const [k, v] of Object.entries(opts.headers)) h.set(k, v);
  let text: string;
  try {
    const msg = await nc.request(subject, body, { timeout: Math.max(1, Math.floor(opts.timeoutMs)), headers: h });
    text = msg.string();
  } catch (e) {
    if (e instanceof errors.RequestError && e.isNoResponders()) throw new NoResponders(subject);
    if (e instanceof errors.NoRespondersError) throw new NoResponders(subject);
    if (e instanceof errors.TimeoutError) throw rpcError("DeadlineExceeded", CONTEXT_DEADLINE_EXCEEDED);
    if (e instanceof errors.ClosedConnectionError || e instanceof errors.DrainingConnectionError) {
      throw rpcError("Unavailable", `the connection to the NATS server is closed: ${e.message}`);
    }
    throw toRpcError(e);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw rpcError("Internal", `${opts.what} sent a reply that is not JSON`);
  }
  const reply = ReplySchema.safeParse(json);
  if (!reply.success) throw rpcError("Internal", `${opts.what} sent an invalid reply: ${describeIssues(reply.error)}`);
  if (!reply.data.ok) throw fromWire(reply.data.error) as RpcError;
  return reply.data.result;
}
