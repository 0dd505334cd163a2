import { Client } from "@grpc/grpc-js";
import type { ClientSideCredentials } from "../../ca/credentials.ts";
import { rpcError } from "../../rpc/status.ts";

/**
 * The follower's one client channel to the leader, dialled lazily and
 * re-dialled when the leader's address changes (SwarmKit keeps a connection
 * per raft peer and picks the leader's).
 */
export class LeaderChannels {
  private current: { addr: string; client: Client } | undefined;
  private closed = false;

  constructor(private readonly credentials: ClientSideCredentials) {}

  get(addr: string): Client {
    if (this.closed) throw rpcError("Unavailable", "the manager is shutting down: no channel to the leader");
    if (this.current?.addr === addr) return this.current.client;
    this.current?.client.close();
    const client = new Client(addr, this.credentials.channelCredentials(), {
      ...this.credentials.channelOptions(),
      "grpc.keepalive_time_ms": 10_000,
      "grpc.keepalive_permit_without_calls": 1,
    });
    this.current = { addr, client };
    return client;
  }

  /** Resolves true once the channel to `addr` is connected, false if not before `deadline` (epoch ms). */
  ready(addr: string, deadline: number): Promise<boolean> {
    const client = this.get(addr);
    return new Promise((resolve) => client.waitForReady(deadline, (err) => resolve(!err)));
  }

  close(): void {
    this.closed = true;
    this.current?.client.close();
    this.current = undefined;
  }
}

/**
 * Whether a relayed call failed because the connection to the leader failed
 * (grpc-go's "is closing" / "the connection is unavailable" / "connection
 * error", and what grpc-js says for the same), not because the leader answered.
 */
export function isConnectionError(e: unknown): boolean {
  if (!(e instanceof Error)) return false;
  const code = (e as { code?: unknown }).code;
  if (code === 14) return true; // UNAVAILABLE: no connection, connection dropped, channel shut down
  return /is closing|the connection is unavailable|connection error|Connection dropped|No connection established|RST_STREAM/i.test(
    e.message,
  );
}
