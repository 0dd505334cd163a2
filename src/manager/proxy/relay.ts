import type { ServiceDefinition, UntypedServiceImplementation } from "@grpc/grpc-js";
import type { ClientSideCredentials, PeerCall, ServerSideCredentials } from "../../ca/credentials.ts";
import type { TimingProfile } from "../../config/profile.ts";
import { swarmkit } from "../../rpc/proto.ts";
import type { ManagerServices } from "../grpc-server.ts";
import { type CertSubject, type ForwardPolicy, tlsCallerSubject } from "./forwarded-identity.ts";
import { LeaderChannels } from "./leader-channels.ts";
import { LeaderChooser } from "./leader-choice.ts";
import type { LeaderInfo } from "./leader-conn.ts";
import type { AnyMethod, RelayContext } from "./relay-context.ts";
import { relayStream, type StreamHandler } from "./relay-stream.ts";
import { relayUnary, type UnaryHandler } from "./relay-unary.ts";
import { forwardPolicy, relayMetadata } from "./relayed-call.ts";

/**
 * SwarmKit's raft proxy (the generated `raftProxyDispatcherServer` and
 * `raftProxyNodeCAServer`) for grpc-js: every manager registers these
 * handlers; the leader serves calls with its own handlers, a follower relays
 * each call to the leader over one cached channel, with `redirect` metadata and
 * the caller's identity, one hop only. RootCA is answered by any manager.
 *
 * Unary calls that fail on the connection to the leader are retried once after
 * polling for a new leader (every half tick, until its channel is ready).
 * Server streams (Session, Assignments) are relayed message by message.
 * Health is never relayed: each manager answers for itself (SK registers it
 * outside the raft proxy).
 */
export interface LeaderProxyOptions {
  /** The real handlers of this manager (served when it leads). */
  readonly local: ManagerServices;
  readonly leader: LeaderInfo;
  readonly profile: TimingProfile;
  /** This manager's identity when it dials the leader. */
  readonly clientCredentials: ClientSideCredentials;
  /** This manager's server credentials: how the leader authenticates the forwarder. */
  readonly serverCredentials: ServerSideCredentials;
  /** The cluster ID (certificate organization). */
  readonly clusterId: () => string;
  /** Reads the caller's certificate subject on the follower; its verified TLS certificate by default. */
  readonly callerSubject?: (call: PeerCall) => CertSubject | undefined;
}

export interface LeaderProxy {
  /** What to pass to serveManager on every manager. */
  readonly services: ManagerServices;
  /** Closes the channel to the leader (calls in flight fail Unavailable). */
  close(): void;
}

/** Every method of `service` that `local` implements, as a relay (unary or server stream). */
function proxyService(
  ctx: RelayContext,
  service: ServiceDefinition,
  local: UntypedServiceImplementation,
  policy: ForwardPolicy,
): UntypedServiceImplementation {
  const out: UntypedServiceImplementation = {};
  for (const [name, def] of Object.entries(service) as [string, AnyMethod][]) {
    const handler = local[name];
    if (!handler) continue;
    if (def.requestStream) {
      out[name] = handler; // no client-streaming methods are relayed (Swarm's proxy has them; none are served here)
    } else if (def.responseStream) {
      out[name] = relayStream(ctx, { def, local: handler as unknown as StreamHandler, policy }) as typeof handler;
    } else {
      out[name] = relayUnary(ctx, { def, local: handler as unknown as UnaryHandler, policy }) as typeof handler;
    }
  }
  return out;
}

export function leaderProxy(opts: LeaderProxyOptions): LeaderProxy {
  const channels = new LeaderChannels(opts.clientCredentials);
  const callerSubject = opts.callerSubject ?? tlsCallerSubject;
  const ctx: RelayContext = {
    leader: opts.leader,
    chooser: new LeaderChooser(opts.leader, channels, opts.profile.raftTickMs),
    channels,
    requestTimeoutMs: opts.profile.requestTimeoutMs,
    relayMetadata: (call) => relayMetadata(call, opts.clientCredentials, callerSubject),
  };
  const policy = (requireIdentity: boolean) => forwardPolicy(opts.serverCredentials, opts.clusterId, requireIdentity);
  return {
    services: {
      dispatcher: proxyService(ctx, swarmkit.Dispatcher.service, opts.local.dispatcher, policy(true)),
      nodeCA: proxyService(ctx, swarmkit.NodeCA.service, opts.local.nodeCA, policy(false)),
      rootCA: opts.local.rootCA,
      ...(opts.local.health ? { health: opts.local.health } : {}),
    },
    close: () => channels.close(),
  };
}
