import type {
  Client,
  ClientReadableStream,
  Metadata,
  MethodDefinition,
  ServerUnaryCall,
  ServerWritableStream,
  ServiceDefinition,
  ServiceError,
  sendUnaryData,
  UntypedServiceImplementation,
} from "@grpc/grpc-js";
import type { ClientSideCredentials, ServerSideCredentials, TlsRole } from "../../ca/credentials.ts";
import type { TimingProfile } from "../../config/profile.ts";
import { swarmkit } from "../../rpc/proto.ts";
import { Code, type RpcError, rpcError, toRpcError } from "../../rpc/status.ts";
import type { ManagerServices } from "../grpc-server.ts";
import { decoded, MalformedRequest } from "../safe-service.ts";
import {
  ALL_ROLES,
  authorizeForwarded,
  type CertSubject,
  type ForwardPolicy,
  forwardMetadata,
  insecureCallerSubject,
  isForwarded,
  presentAsOriginal,
  redirectsOf,
} from "./forwarded-identity.ts";
import { isConnectionError, LeaderChannels } from "./leader-channels.ts";
import {
  deadlineExceeded,
  type LeaderChoice,
  type LeaderInfo,
  leaderConn,
  moreThanOneRedirect,
} from "./leader-conn.ts";

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
  /** Reads the caller's certificate subject on the follower; insecure identity metadata by default. */
  readonly callerSubject?: (md: Metadata, peer: string) => CertSubject | undefined;
}

export interface LeaderProxy {
  /** What to pass to serveManager on every manager. */
  readonly services: ManagerServices;
  /** Closes the channel to the leader (calls in flight fail Unavailable). */
  close(): void;
}

/** What grpc-go says when the connection under a stream goes away. */
export const TRANSPORT_CLOSING = "transport is closing";

type UnaryHandler = (call: ServerUnaryCall<unknown, unknown>, cb: sendUnaryData<unknown>) => void;
type StreamHandler = (call: ServerWritableStream<unknown, unknown>) => void;
type AnyMethod = MethodDefinition<unknown, unknown>;

const asServiceError = (e: RpcError) => e.toServiceError() as ServiceError;

/** The caller's deadline (epoch ms), or undefined when it set none. */
function callerDeadline(call: { getDeadline(): Date | number }): number | undefined {
  const d = call.getDeadline();
  const ms = d instanceof Date ? d.getTime() : d;
  return Number.isFinite(ms) ? ms : undefined;
}

export function leaderProxy(opts: LeaderProxyOptions): LeaderProxy {
  const channels = new LeaderChannels(opts.clientCredentials);
  const callerSubject = opts.callerSubject ?? ((md: Metadata) => insecureCallerSubject(md));
  const tick = opts.profile.raftTickMs;

  const policy = (requireIdentity: boolean): ForwardPolicy => ({
    authenticateForwarder: (md, peer) => opts.serverCredentials.authenticate(md, peer),
    clusterId: opts.clusterId,
    authorizedRoles: ALL_ROLES as readonly TlsRole[],
    requireIdentity,
  });

  /** Leader side: authorize a forwarded call and present it as the original node's. */
  const acceptForwarded = (
    call: ServerUnaryCall<unknown, unknown> | ServerWritableStream<unknown, unknown>,
    p: ForwardPolicy,
  ): void => {
    if (!isForwarded(call.metadata)) return;
    const fwd = authorizeForwarded(call.metadata, call.getPeer(), p);
    (call as { metadata: Metadata }).metadata = presentAsOriginal(call.metadata, fwd.identity);
    const remote = fwd.remoteAddr;
    if (remote !== undefined) call.getPeer = () => remote;
  };

  const where = (deadline: number, signal: AbortSignal, checkLostQuorum = true): Promise<LeaderChoice<string>> =>
    leaderConn(opts.leader, (i) => i.leaderAddr(), { deadline, pollMs: tick, signal, checkLostQuorum });

  /** pollNewLeaderConn: every half tick, LeaderConn, then wait for its channel to be ready. */
  const pollNewLeader = async (deadline: number, signal: AbortSignal): Promise<LeaderChoice<string>> => {
    const interval = tick / 2;
    for (;;) {
      await new Promise((r) => setTimeout(r, Math.max(0, Math.min(interval, deadline - Date.now()))));
      const choice = await where(deadline, signal);
      if (choice.local) return choice;
      if (await channels.ready(choice.leader, Math.min(deadline, Date.now() + interval))) return choice;
      if (Date.now() >= deadline) throw deadlineExceeded();
    }
  };

  const unaryTo = (
    addr: string,
    def: AnyMethod,
    req: unknown,
    md: Metadata,
    deadline: number | undefined,
    signal: AbortSignal,
  ): Promise<unknown> =>
    new Promise((resolve, reject) => {
      const client: Client = channels.get(addr);
      const c = client.makeUnaryRequest(
        def.path,
        def.requestSerialize,
        def.responseDeserialize,
        req,
        md,
        deadline === undefined ? {} : { deadline },
        (err, res) => (err ? reject(err) : resolve(res)),
      );
      signal.addEventListener("abort", () => c.cancel(), { once: true });
    });

  const relayUnary =
    (def: AnyMethod, local: UnaryHandler, p: ForwardPolicy): UnaryHandler =>
    (call, cb) => {
      const serveLocally = () => {
        try {
          acceptForwarded(call, p);
        } catch (e) {
          cb(asServiceError(toRpcError(e)));
          return;
        }
        local(call, cb);
      };
      if (opts.leader.isLeader()) return serveLocally();
      if (call.request instanceof MalformedRequest) return cb(asServiceError(call.request.toRpcError()));
      const abort = new AbortController();
      call.on("cancelled", () => abort.abort());
      const deadline = callerDeadline(call);
      const waitUntil = deadline ?? Date.now() + opts.profile.requestTimeoutMs;
      void (async () => {
        const choice = await where(waitUntil, abort.signal);
        if (choice.local) return serveLocally();
        const redirects = redirectsOf(call.metadata);
        if (redirects.length > 0) throw moreThanOneRedirect(redirects);
        const req = decoded(call.request);
        const md = forwardMetadata(
          call.metadata,
          opts.clientCredentials.callMetadata(),
          callerSubject(call.metadata, call.getPeer()),
          call.getPeer(),
        );
        try {
          cb(null, await unaryTo(choice.leader, def, req, md, deadline, abort.signal));
        } catch (e) {
          if (!isConnectionError(e)) throw e;
          const next = await pollNewLeader(waitUntil, abort.signal);
          if (next.local) return serveLocally();
          cb(null, await unaryTo(next.leader, def, req, md, deadline, abort.signal));
        }
      })().catch((e: unknown) => cb(asServiceError(toRpcError(e))));
    };

  const relayStream =
    (def: AnyMethod, local: StreamHandler, p: ForwardPolicy): StreamHandler =>
    (call) => {
      const fail = (e: unknown) => call.emit("error", asServiceError(toRpcError(e)));
      const serveLocally = () => {
        try {
          acceptForwarded(call, p);
        } catch (e) {
          fail(e);
          return;
        }
        local(call);
      };
      if (opts.leader.isLeader()) return serveLocally();
      if (call.request instanceof MalformedRequest) return fail(call.request.toRpcError());
      const abort = new AbortController();
      let upstream: ClientReadableStream<unknown> | undefined;
      call.on("cancelled", () => {
        abort.abort();
        upstream?.cancel();
      });
      const deadline = callerDeadline(call);
      void (async () => {
        const choice = await where(deadline ?? Date.now() + opts.profile.requestTimeoutMs, abort.signal);
        if (choice.local) return serveLocally();
        const redirects = redirectsOf(call.metadata);
        if (redirects.length > 0) throw moreThanOneRedirect(redirects);
        const md = forwardMetadata(
          call.metadata,
          opts.clientCredentials.callMetadata(),
          callerSubject(call.metadata, call.getPeer()),
          call.getPeer(),
        );
        const up = channels
          .get(choice.leader)
          .makeServerStreamRequest(
            def.path,
            def.requestSerialize,
            def.responseDeserialize,
            decoded(call.request),
            md,
            deadline === undefined ? {} : { deadline },
          );
        upstream = up;
        up.on("data", (msg: unknown) => {
          if (!call.write(msg)) {
            up.pause();
            call.once("drain", () => up.resume());
          }
        });
        up.on("error", (e: Error) => {
          if (abort.signal.aborted) return;
          // grpc-js reports a leader that went away under the stream as a cancelled call; grpc-go (and the
          // agent) see the transport closing.
          const err = toRpcError(e);
          fail(err.code === Code.Canceled ? rpcError("Unavailable", TRANSPORT_CLOSING) : err);
        });
        up.on("status", (s: { code: number }) => {
          if (s.code === 0 && !abort.signal.aborted) call.end();
        });
      })().catch(fail);
    };

  const proxyService = (
    service: ServiceDefinition,
    local: UntypedServiceImplementation,
    p: ForwardPolicy,
  ): UntypedServiceImplementation => {
    const out: UntypedServiceImplementation = {};
    for (const [name, def] of Object.entries(service) as [string, AnyMethod][]) {
      const handler = local[name];
      if (!handler) continue;
      if (def.requestStream) {
        out[name] = handler; // no client-streaming methods are relayed (Swarm's proxy has them; none are served here)
      } else if (def.responseStream) {
        out[name] = relayStream(def, handler as unknown as StreamHandler, p) as unknown as typeof handler;
      } else {
        out[name] = relayUnary(def, handler as unknown as UnaryHandler, p) as unknown as typeof handler;
      }
    }
    return out;
  };

  return {
    services: {
      dispatcher: proxyService(swarmkit.Dispatcher.service, opts.local.dispatcher, policy(true)),
      nodeCA: proxyService(swarmkit.NodeCA.service, opts.local.nodeCA, policy(false)),
      rootCA: opts.local.rootCA,
      ...(opts.local.health ? { health: opts.local.health } : {}),
    },
    close: () => channels.close(),
  };
}
