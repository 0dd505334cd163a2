import type { NatsConnection } from "@nats-io/transport-node";
import { rpcError } from "../rpc/status.ts";
import { serverUrl } from "./connection.ts";
import type { DaemonRequest, DaemonResults, DaemonVerb } from "./daemon-contract.ts";
import { requestReply } from "./envelope.ts";
import { subjects } from "./subjects.ts";

/** How long a CLI command waits for its daemon by default (init/join may take a while). */
export const DEFAULT_DAEMON_TIMEOUT_MS = 60_000;

/**
 * Calls one daemon's API: the result, or the daemon's error as an RpcError.
 * No daemon listening → Unavailable (plain, like docker's
 * `Cannot connect to the Docker daemon …`); no answer in time →
 * DeadlineExceeded `context deadline exceeded`; a malformed reply → Internal.
 */
export async function callDaemon<V extends DaemonVerb>(
  nc: NatsConnection,
  nodeName: string,
  verb: V,
  req: DaemonRequest<V>,
  opts: { timeoutMs?: number } = {},
): Promise<DaemonResults[V]> {
  const result = await requestReply(nc, subjects().daemon(nodeName, verb), req, {
    timeoutMs: opts.timeoutMs ?? DEFAULT_DAEMON_TIMEOUT_MS,
    what: `the swarmbus daemon "${nodeName}"`,
    noResponders: () => daemonUnreachable(nodeName, serverUrl(nc)),
  });
  return result as DaemonResults[V];
}

export function daemonUnreachable(nodeName: string, natsUrl: string) {
  return rpcError(
    "Unavailable",
    `Cannot connect to the swarmbus daemon "${nodeName}" on ${natsUrl}. Is the daemon running?`,
    { plain: true },
  );
}
