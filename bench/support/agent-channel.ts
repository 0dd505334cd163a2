import type { ChannelOptions } from "@grpc/grpc-js";
import type { ClientSideCredentials } from "../../src/ca/credentials.ts";
import type { JoinedIdentity } from "../../src/ca/join.ts";
import { tlsClientCredentials } from "../../src/ca/tls/client-credentials.ts";
import { LiveTlsMaterial } from "../../src/ca/tls/tls-material.ts";
import type { DispatcherClient } from "../../src/gen/docker/swarmkit/v1/Dispatcher.ts";
import { swarmkit } from "../../src/rpc/proto.ts";

/**
 * THE ONE SEAM between the benchmark's simulated agents and the swarm's
 * transport security: everything the load process needs to talk to the
 * Dispatcher as a joined node comes from here, and nothing else in bench/
 * knows how an agent proves who it is. With mutual TLS every agent presents
 * its own certificate, so every agent has its own channel (openAgentChannel):
 * its own TCP connection and TLS session, as a real SwarmKit agent has.
 */

/** Printed with the results, so a before/after table says which transport each side ran. */
export const TRANSPORT = "mutual TLS (node certificates)";

/** Whether several agents may share one channel: not when identity is the TLS peer certificate. */
export const SHARED_CHANNELS_POSSIBLE = false;

/** How the agent presents its identity on the Dispatcher: its certificate, pinned to the join's root. */
export function agentCredentials(joined: JoinedIdentity): ClientSideCredentials {
  const material = new LiveTlsMaterial({
    rootCA: joined.rootCACertificate,
    certificate: joined.certificate,
    key: joined.key,
  });
  return tlsClientCredentials(joined.identity, material);
}

/** Every Dispatcher channel of the load process, own or shared. */
export const AGENT_CHANNEL_OPTIONS: ChannelOptions = {
  // Its own subchannel pool: grpc-js would otherwise fold channels to the same address onto one connection.
  "grpc.use_local_subchannel_pool": 1,
  // No automatic retries: a failed heartbeat must show up as one, as in the real agent.
  "grpc.enable_retries": 0,
  // Channelz bookkeeping for thousands of channels would be load-process CPU that measures nothing.
  "grpc.enable_channelz": 0,
};

/** One agent's own connection to the manager's Dispatcher, and how its calls say who it is. */
export interface AgentChannel {
  readonly credentials: ClientSideCredentials;
  readonly client: DispatcherClient;
  close(): void;
}

export function openAgentChannel(addr: string, joined: JoinedIdentity): AgentChannel {
  const credentials = agentCredentials(joined);
  const client = new swarmkit.Dispatcher(addr, credentials.channelCredentials(), {
    ...AGENT_CHANNEL_OPTIONS,
    ...credentials.channelOptions(),
  });
  return { credentials, client, close: () => client.close() };
}
