import { connect, type NatsConnection } from "@nats-io/transport-node";
import { rpcError } from "../rpc/status.ts";

/** Between two reconnect attempts (plus up to RECONNECT_JITTER_MS): quick enough for a restarted local server. */
export const RECONNECT_WAIT_MS = 500;
export const RECONNECT_JITTER_MS = 250;
/** How long the first connect may take before it fails. */
export const CONNECT_TIMEOUT_MS = 5_000;

/**
 * One connection per daemon (or CLI call). It reconnects forever, so a daemon
 * survives a nats-server restart; only the first connect can fail, with
 * Unavailable `cannot reach the NATS server at <url>: <why>`.
 */
export async function connectBus(
  url: string,
  clientName: string,
  opts: { timeoutMs?: number } = {},
): Promise<NatsConnection> {
  try {
    return await connect({
      servers: url,
      name: clientName,
      maxReconnectAttempts: -1,
      reconnectTimeWait: RECONNECT_WAIT_MS,
      reconnectJitter: RECONNECT_JITTER_MS,
      timeout: opts.timeoutMs ?? CONNECT_TIMEOUT_MS,
    });
  } catch (e) {
    throw rpcError("Unavailable", `cannot reach the NATS server at ${url}: ${reason(e)}`, { plain: true });
  }
}

/** The URL of the server `nc` is connected to, as `nats://host:port` (for messages). */
export function serverUrl(nc: NatsConnection): string {
  const s = nc.getServer();
  return /^\w+:\/\//.test(s) ? s : `nats://${s}`;
}

function reason(e: unknown): string {
  if (!(e instanceof Error)) return String(e);
  const cause = e.cause instanceof Error ? e.cause.message : undefined;
  return cause && !e.message.includes(cause) ? `${e.message} (${cause})` : e.message;
}
