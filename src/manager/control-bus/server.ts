import type { Msg, NatsConnection, Subscription } from "@nats-io/transport-node";
import { describeIssues, errorReply, okReply, type Reply, sendReply } from "../../bus/envelope.ts";
import { type PayloadLimits, parseBoundedJson } from "../../bus/payload-guard.ts";
import { failpointOn } from "../../config/failpoints.ts";
import type { TimingProfile } from "../../config/profile.ts";
import { defaultLog, type Log } from "../../log.ts";
import { ErrLostLeadership } from "../../raft/node/errors.ts";
import { Code, RpcError, rpcError } from "../../rpc/status.ts";
import type { LeaderInfo } from "../proxy/leader-conn.ts";
import {
  authorizeCaller,
  authorizeRaftJoin,
  authorizeUnverified,
  type CallerLookup,
  mayBeLagging,
} from "./caller-auth.ts";
import { LeaderRoute, type RoutedCall } from "./leader-route.ts";
import { serveLocally } from "./local-calls.ts";
import {
  type ControlHandlers,
  type ControlMethod,
  type ControlRequest,
  controlRequests,
  isControlMethod,
  READ_ONLY_METHODS,
} from "./methods.ts";
import {
  addressedToSubject,
  CALLER_HEADER,
  CONTROL_QUEUE,
  controlQueueSubject,
  parseControlSubject,
  REDIRECT_HEADER,
  TIMEOUT_HEADER,
  UNVERIFIED_HEADER,
} from "./subjects.ts";

/**
 * The control API on NATS, served by every manager (SwarmKit registers the
 * raft proxy of api.Control on every manager): a call lands on one manager of
 * the queue group; the leader serves it with its handlers, a follower forwards
 * it once to the leader's own subject, with the redirect header, and relays
 * the answer. LeaderConn's rules decide when there is no leader (lost quorum →
 * Unknown at once; otherwise wait for one until the caller's deadline →
 * DeadlineExceeded). If the leader goes away while a forwarded call waits (no
 * responder, or Raft reports another leader), the follower polls for the new
 * leader and retries once, as SwarmKit's proxy does for unary calls. A reply over the
 * server's max_payload (listNodes of thousands of nodes) goes in chunks on both hops.
 * Every manager that takes a call, the leader after a forward too, first bounds its
 * body (CONTROL_REQUEST_LIMITS) and authorizes its caller (caller-auth.ts: managers only).
 */
export interface ControlBusOptions {
  readonly nc: NatsConnection;
  readonly clusterId: string;
  /**
   * This manager: its node ID (the caller it names when it forwards), its Raft ID (its
   * leader-addressed subject) and its address (named in redirect errors).
   */
  readonly self: { readonly nodeId: string; readonly raftId: string; readonly addr: string };
  /** What this manager's store says of a caller's node ID: only managers are served. */
  readonly callers: CallerLookup;
  readonly leader: LeaderInfo;
  readonly handlers: ControlHandlers;
  /**
   * Before a read is served here, the leader confirms it still leads and has applied all
   * that was committed before the read (RaftNode.readBarrier: Raft's ReadIndex): a leader
   * cut off from the others would otherwise answer from a store the majority has moved past.
   */
  readonly readBarrier: (deadline: number) => Promise<void>;
  /** raftTickMs (polling) and requestTimeoutMs (a call that names no deadline). */
  readonly profile: TimingProfile;
  readonly log?: Log;
}

export interface ControlBusServer {
  /** Stops taking calls and waits for the ones in flight to be answered. */
  stop(): Promise<void>;
}

/** Longest deadline a caller may ask for (a bad header cannot park a call forever). */
const MAX_TIMEOUT_MS = 10 * 60_000;

/**
 * Bounds on a control request's body, checked before it is parsed. The largest a daemon
 * sends is an updateNode with the node's labels (a few KiB), nested four deep; replies
 * (listNodes) are not bounded here.
 */
export const CONTROL_REQUEST_LIMITS: PayloadLimits = { maxBytes: 64 * 1024, maxDepth: 8 };

/**
 * The method, the caller it is served for and the validated request of a control message:
 * Unimplemented for an unknown method; ResourceExhausted / InvalidArgument for a body over
 * the bounds (before anyone is asked who sent it, as gRPC refuses an oversized message before
 * the handler); PermissionDenied for a caller that is not a manager (caller-auth.ts);
 * InvalidArgument for a request that does not fit the method.
 */
function parseCall(
  o: ControlBusOptions,
  msg: Msg,
): { method: ControlMethod; caller: string; req: unknown; unverified: boolean } {
  const named = parseControlSubject(o.clusterId, msg.subject);
  const method = named?.method ?? "";
  if (!named || !isControlMethod(method)) throw rpcError("Unimplemented", `unknown control method ${method}`);
  const json = parseBoundedJson(msg.data, CONTROL_REQUEST_LIMITS, `a ${method} request`);
  const forwardedFor = msg.headers?.has(CALLER_HEADER) ? (msg.headers.get(CALLER_HEADER) ?? "") : undefined;
  const { caller, unverified } = authorize(o, named.caller, forwardedFor, msg.headers?.has(UNVERIFIED_HEADER) === true);
  const parsed = controlRequests[method].safeParse(json);
  if (!parsed.success) throw rpcError("InvalidArgument", `invalid ${method} request: ${describeIssues(parsed.error)}`);
  if (method === "raftJoin") authorizeRaftJoin(caller, (parsed.data as ControlRequest<"raftJoin">).nodeId);
  return { method, caller, req: parsed.data, unverified };
}

/**
 * The caller a call is served for (caller-auth.ts). A direct caller this manager's store does not
 * know as a manager is passed on unverified when another manager leads (its store may be ahead:
 * mayBeLagging); the leader judges it (authorizeUnverified). Without a known leader, this store decides.
 */
function authorize(
  o: ControlBusOptions,
  named: string,
  forwardedFor: string | undefined,
  passedOnUnverified: boolean,
): { caller: string; unverified: boolean } {
  if (forwardedFor !== undefined && passedOnUnverified) {
    return { caller: authorizeUnverified(o.callers, named, forwardedFor), unverified: false };
  }
  try {
    return { caller: authorizeCaller(o.callers, named, forwardedFor), unverified: false };
  } catch (e) {
    const leaderElsewhere = !o.leader.isLeader() && (o.leader.leaderId() ?? o.self.raftId) !== o.self.raftId;
    if (forwardedFor !== undefined || !leaderElsewhere || !mayBeLagging(o.callers(named))) throw e;
    return { caller: named, unverified: true };
  }
}

/** How long the caller waits: its timeout header, bounded; requestTimeoutMs when it names none. */
function timeoutOf(msg: Msg, requestTimeoutMs: number): number {
  const raw = msg.headers?.get(TIMEOUT_HEADER) ?? "";
  const n = /^\d{1,9}$/.test(raw) ? Number(raw) : Number.NaN;
  return n > 0 ? Math.min(n, MAX_TIMEOUT_MS) : requestTimeoutMs;
}

/** One manager's control bus: its two subscriptions, the calls it answers, and those still in flight. */
class ControlBus implements ControlBusServer {
  private readonly log: Log;
  private readonly route: LeaderRoute;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly subs: Subscription[];

  constructor(private readonly o: ControlBusOptions) {
    this.log = o.log ?? defaultLog();
    this.route = new LeaderRoute({
      nc: o.nc,
      clusterId: o.clusterId,
      self: o.self,
      leader: o.leader,
      tickMs: o.profile.raftTickMs,
    });
    const callback = (err: Error | null, msg: Msg) => this.onMsg(err, msg);
    this.subs = [
      o.nc.subscribe(controlQueueSubject(o.clusterId), { queue: CONTROL_QUEUE, callback }),
      o.nc.subscribe(addressedToSubject(o.clusterId, o.self.raftId), { callback }),
    ];
  }

  async stop(): Promise<void> {
    for (const s of this.subs) if (!s.isClosed()) s.unsubscribe();
    // Once the server has the unsubscribe, no call can land here any more: without this round trip a
    // call published right after stop() could still be routed to this manager, and be dropped unanswered.
    if (!this.o.nc.isClosed()) await this.o.nc.flush().catch(() => {});
    await Promise.allSettled([...this.inFlight]);
    // The last answers are published, not yet delivered: a caller on this very connection (this
    // node's own control calls) would see it closed before its answer. The server answers this
    // flush after it delivered them, in order.
    if (!this.o.nc.isClosed()) await this.o.nc.flush().catch(() => {});
  }

  private onMsg(err: Error | null, msg: Msg): void {
    if (err) {
      this.log.error({ cluster: this.o.clusterId, err: err.message }, "control bus subscription error");
      return;
    }
    const p = this.answer(msg).finally(() => this.inFlight.delete(p));
    this.inFlight.add(p);
  }

  private async answer(msg: Msg): Promise<void> {
    const { nc, clusterId, handlers } = this.o;
    // A call nobody waits for (no reply subject) is not run: a write must have someone to tell.
    if (!msg.reply) return;
    const started = Date.now();
    const method = parseControlSubject(clusterId, msg.subject)?.method ?? "";
    let reply: Reply<unknown>;
    try {
      const p = parseCall(this.o, msg);
      const req = p.req as ControlRequest<ControlMethod>;
      const redirects = msg.headers?.values(REDIRECT_HEADER) ?? [];
      const deadline = started + timeoutOf(msg, this.o.profile.requestTimeoutMs);
      const call = { method: p.method, caller: p.caller, req, unverified: p.unverified };
      const read = READ_ONLY_METHODS.has(p.method);
      const local = () => {
        // Passed on unverified, but this manager leads now: its own store decides after all.
        if (p.unverified) authorizeCaller(this.o.callers, p.caller, undefined);
        return serveLocally(handlers, p.method, req);
      };
      const confirmedLocal = async () => {
        if (read) await this.o.readBarrier(deadline);
        return local();
      };
      // Test-only (config/failpoints.ts): the bug the linearizability test must catch, on the read its
      // workload makes (`node inspect`), with no barrier either. Not on listNodes: the test's own
      // waits read `node ls`.
      const stale = p.method === "getNode" && failpointOn("stale-follower-reads");
      reply = okReply(stale ? await local() : await this.routeCall(call, deadline, redirects, confirmedLocal));
    } catch (e) {
      reply = errorReply(e);
      if (!reply.ok && reply.error.code === Code.Internal) {
        this.log.warn({ cluster: clusterId, method, err: reply.error.message }, "control call failed");
      }
    }
    sendReply(nc, msg, reply, { log: this.log, context: { cluster: clusterId, method } });
  }

  /**
   * Routes the call (LeaderRoute). A read this manager took while it led, whose barrier found it
   * no longer leads, is routed once more, to whichever leader there is now: it changed nothing.
   */
  private async routeCall(
    call: RoutedCall,
    deadline: number,
    redirects: readonly string[],
    local: () => Promise<unknown>,
  ): Promise<unknown> {
    try {
      return await this.route.route(call, deadline, redirects, local);
    } catch (e) {
      if (!READ_ONLY_METHODS.has(call.method) || redirects.length > 0 || !lostLeadership(e)) throw e;
      return await this.route.route(call, deadline, redirects, local);
    }
  }
}

/** A read whose leader lost leadership before it could confirm it: safe to route again, unlike a write. */
const lostLeadership = (e: unknown): boolean => e instanceof RpcError && e.message === ErrLostLeadership;

export function serveControlBus(opts: ControlBusOptions): ControlBusServer {
  return new ControlBus(opts);
}
