import { credentials } from "@grpc/grpc-js";
import type { ClientSideCredentials } from "../src/ca/credentials.ts";
import type { DispatcherClient } from "../src/gen/docker/swarmkit/v1/Dispatcher.ts";
import { swarmkit } from "../src/rpc/proto.ts";

/**
 * A fixed pool of Dispatcher clients, each on its own gRPC channel and TCP
 * connection (a local subchannel pool per client, so grpc-js does not fold
 * them onto one shared connection). Simulated agents are spread over the pool
 * round-robin; each agent's calls are separate HTTP/2 streams carrying that
 * agent's own identity metadata. This keeps file descriptors at `size`
 * instead of one per agent.
 */
export interface DispatcherPool {
  readonly size: number;
  client(index: number): DispatcherClient;
  close(): void;
}

export function dispatcherPool(addr: string, size: number): DispatcherPool {
  const clients: DispatcherClient[] = [];
  for (let i = 0; i < size; i++) {
    clients.push(
      new swarmkit.Dispatcher(addr, credentials.createInsecure(), {
        "grpc.use_local_subchannel_pool": 1,
        // No automatic retries: a failed heartbeat must show up as one, as in the real agent.
        "grpc.enable_retries": 0,
      }),
    );
  }
  return {
    size,
    client: (index) => clients[index % size]!,
    close: () => {
      for (const c of clients) c.close();
    },
  };
}

/**
 * One agent's own Dispatcher channel: under mutual TLS the node is known by
 * the certificate of its connection, so agents cannot share one.
 */
export function agentDispatcher(addr: string, creds: ClientSideCredentials): DispatcherClient {
  return new swarmkit.Dispatcher(addr, creds.channelCredentials(), {
    ...creds.channelOptions(),
    "grpc.use_local_subchannel_pool": 1,
    "grpc.enable_retries": 0,
  });
}
