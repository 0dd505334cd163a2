import type { Msg, NatsConnection, Subscription } from "@nats-io/transport-node";
import { describeIssues, errorReply, okReply, parseJsonBody, type Reply, sendReply } from "../../bus/envelope.ts";
import type { TimingProfile } from "../../config/profile.ts";
import { defaultLog, type Log } from "../../log.ts";
import { Code, rpcError } from "../../rpc/status.ts";
import type { LeaderInfo } from "../proxy/leader-conn.ts";
import { LeaderRoute } from "./leader-route.ts";
import { serveLocally } from "./local-calls.ts";
import {
  type ControlHandlers,
  type ControlMethod,
  type ControlRequest,
  controlRequests,
  isControlMethod,
} from "./methods.ts";
import {
  addressedToSubject,
  CONTROL_QUEUE,
  controlQueueSubject,
  methodOf,
  REDIRECT_HEADER,
  TIMEOUT_HEADER,
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
 */
export interface ControlBusOptions {
  readonly nc: NatsConnection;
  readonly clusterId: string;
  /** This manager: its Raft ID (its leader-addressed subject) and its address (named in redirect errors). */
  readonly self: { readonly raftId: string; readonly addr: string };
  readonly leader: LeaderInfo;
  readonly handlers: ControlHandlers;
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

/** The method and the validated request of a control message; InvalidArgument / Unimplemented otherwise. */
function parseCall(method: string, msg: Msg): { method: ControlMethod; req: unknown } {
  if (!isControlMethod(method)) throw rpcError("Unimplemented", `unknown control method ${method}`);
  const parsed = controlRequests[method].safeParse(parseJsonBody(msg.string()));
  if (!parsed.success) throw rpcError("InvalidArgument", `invalid ${method} request: ${describeIssues(parsed.error)}`);
  return { method, req: parsed.data };
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
    const method = methodOf(clusterId, msg.subject) ?? "";
    let reply: Reply<unknown>;
    try {
      const p = parseCall(method, msg);
      const req = p.req as ControlRequest<ControlMethod>;
      const redirects = msg.headers?.values(REDIRECT_HEADER) ?? [];
      const deadline = started + timeoutOf(msg, this.o.profile.requestTimeoutMs);
      reply = okReply(
        await this.route.route(p.method, req, deadline, redirects, () => serveLocally(handlers, p.method, req)),
      );
    } catch (e) {
      reply = errorReply(e);
      if (!reply.ok && reply.error.code === Code.Internal) {
        this.log.warn({ cluster: clusterId, method, err: reply.error.message }, "control call failed");
      }
    }
    sendReply(nc, msg, reply, { log: this.log, context: { cluster: clusterId, method } });
  }
}

export function serveControlBus(opts: ControlBusOptions): ControlBusServer {
  return new ControlBus(opts);
}
