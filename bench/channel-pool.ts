import { credentials } from "@grpc/grpc-js";
import type { DispatcherClient } from "../src/gen/docker/swarmkit/v1/Dispatcher.ts";
import { swarmkit } from "../src/rpc/proto.ts";
import { AGENT_CHANNEL_OPTIONS } from "./support/agent-channel.ts";

/**
 * The older, lighter mode (`--channels N`): a fixed pool of Dispatcher
 * clients, each on its own gRPC channel and TCP connection, shared by the
 * simulated agents round-robin; each agent's calls are separate HTTP/2 streams
 * carrying that agent's own identity metadata. Plaintext only: once identity is
 * the TLS peer certificate, agents cannot share a connection
 * (SHARED_CHANNELS_POSSIBLE in support/agent-channel.ts).
 */
export interface DispatcherPool {
  readonly size: number;
  client(index: number): DispatcherClient;
  close(): void;
}

export function dispatcherPool(addr: string, size: number): DispatcherPool {
  const clients: DispatcherClient[] = [];
  for (let i = 0; i < size; i++) {
    clients.push(new swarmkit.Dispatcher(addr, credentials.createInsecure(), AGENT_CHANNEL_OPTIONS));
  }
  return {
    size,
    client: (index) => clients[index % size]!,
    close: () => {
      for (const c of clients) c.close();
    },
  };
}
