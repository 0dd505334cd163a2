import type { Msg, NatsConnection, Subscription } from "@nats-io/transport-node";
import { describeIssues, errorReply, okReply, parseJsonBody, type Reply, sendReply } from "../../bus/envelope.ts";
import type { TimingProfile } from "../../config/profile.ts";
import { defaultLog, type Log } from "../../log.ts";
import { Code, rpcError } from "../../rpc/status.ts";
import {
  deadlineExceeded,
  type LeaderChoice,
  type LeaderInfo,
  leaderConn,
  moreThanOneRedirect,
} from "../proxy/leader-conn.ts";
import { envelopeRequest, NoResponders } from "./bus-request.ts";
import {
  type ControlHandlers,
  type ControlMethod,
  type ControlRequest,
  controlRequests,
  isControlMethod,
} from "./methods.ts";
import { encodeNode } from "./node-codec.ts";
import {
  addressedToSubject,
  CONTROL_QUEUE,
  controlQueueSubject,
  leaderSubject,
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

/** The leader a call was forwarded to went away: no responder on its subject, or Raft moved on. */
class LeaderGone extends Error {
  constructor(
    message: string,
    readonly noResponder: boolean,
  ) {
    super(message);
  }
}

export function serveControlBus(opts: ControlBusOptions): ControlBusServer {
  const { nc, clusterId, self, leader, handlers, profile } = opts;
  const log = opts.log ?? defaultLog();
  const tick = profile.raftTickMs;
  const inFlight = new Set<Promise<void>>();
  const pick = (i: LeaderInfo): string | undefined => {
    const id = i.leaderId();
    return id && id !== self.raftId ? id : undefined;
  };

  const serveLocal = async <M extends ControlMethod>(method: M, req: ControlRequest<M>): Promise<unknown> => {
    switch (method) {
      case "listNodes":
        return { nodes: (await handlers.listNodes()).map(encodeNode) };
      case "getNode":
        return { node: encodeNode(await handlers.getNode((req as ControlRequest<"getNode">).ref)) };
      case "updateNode": {
        const r = req as ControlRequest<"updateNode">;
        return { node: encodeNode(await handlers.updateNode({ nodeId: r.nodeId, version: r.version, spec: r.spec })) };
      }
      case "removeNode":
        await handlers.removeNode(req as ControlRequest<"removeNode">);
        return {};
      case "joinTokens":
        return await handlers.joinTokens();
      case "rotateJoinToken":
        return await handlers.rotateJoinToken((req as ControlRequest<"rotateJoinToken">).role);
      case "clusterInfo":
        return await handlers.clusterInfo();
      case "raftJoin":
        if (!handlers.raftJoin) throw rpcError("Unimplemented", "raft join is not served by this manager");
        return await handlers.raftJoin(req as ControlRequest<"raftJoin">);
    }
    throw rpcError("Unimplemented", `unknown control method ${String(method)}`);
  };

  const where = (deadline: number): Promise<LeaderChoice<string>> =>
    leaderConn(leader, pick, { deadline, pollMs: tick });

  /** Forwards to the leader; rejects LeaderGone when it has no responder or Raft moves on while waiting. */
  const forward = (target: string, method: ControlMethod, req: unknown, deadline: number): Promise<unknown> =>
    new Promise((resolve, reject) => {
      const watch = setInterval(() => {
        if (leader.isLeader() || pick(leader) !== target) {
          clearInterval(watch);
          reject(new LeaderGone(`the leader (raft ID ${target}) lost leadership`, false));
        }
      }, tick);
      envelopeRequest(nc, leaderSubject(clusterId, method, target), JSON.stringify(req), {
        timeoutMs: deadline - Date.now(),
        headers: { [REDIRECT_HEADER]: self.addr, [TIMEOUT_HEADER]: String(Math.max(1, deadline - Date.now())) },
        what: `the leader (raft ID ${target})`,
      }).then(
        (r) => {
          clearInterval(watch);
          resolve(r);
        },
        (e: unknown) => {
          clearInterval(watch);
          reject(
            e instanceof NoResponders ? new LeaderGone(`the leader (raft ID ${target}) is not answering`, true) : e,
          );
        },
      );
    });

  /**
   * SwarmKit's pollNewLeaderConn: every half tick, LeaderConn, until a leader
   * that can answer — one other than the gone one when it had no responder
   * (the health check's part), any leader when Raft merely moved on.
   */
  const pollNewLeader = async (gone: LeaderGone, target: string, deadline: number): Promise<LeaderChoice<string>> => {
    for (;;) {
      await new Promise((r) => setTimeout(r, Math.max(0, Math.min(tick / 2, deadline - Date.now()))));
      const choice = await where(deadline);
      if (choice.local || !gone.noResponder || choice.leader !== target) return choice;
      if (Date.now() >= deadline) throw deadlineExceeded();
    }
  };

  const route = async <M extends ControlMethod>(
    method: M,
    req: ControlRequest<M>,
    deadline: number,
    redirects: string[],
  ): Promise<unknown> => {
    const choice = await where(deadline);
    if (choice.local) return serveLocal(method, req);
    if (redirects.length > 0) throw moreThanOneRedirect(redirects);
    try {
      return await forward(choice.leader, method, req, deadline);
    } catch (e) {
      if (!(e instanceof LeaderGone)) throw e;
      const next = await pollNewLeader(e, choice.leader, deadline);
      if (next.local) return serveLocal(method, req);
      try {
        return await forward(next.leader, method, req, deadline);
      } catch (e2) {
        if (e2 instanceof LeaderGone) throw rpcError("Unavailable", `connection error: ${e2.message}`);
        throw e2;
      }
    }
  };

  const parse = (method: string, msg: Msg): { method: ControlMethod; req: unknown } => {
    if (!isControlMethod(method)) throw rpcError("Unimplemented", `unknown control method ${method}`);
    const parsed = controlRequests[method].safeParse(parseJsonBody(msg.string()));
    if (!parsed.success)
      throw rpcError("InvalidArgument", `invalid ${method} request: ${describeIssues(parsed.error)}`);
    return { method, req: parsed.data };
  };

  const timeoutOf = (msg: Msg): number => {
    const raw = msg.headers?.get(TIMEOUT_HEADER) ?? "";
    const n = /^\d{1,9}$/.test(raw) ? Number(raw) : Number.NaN;
    return n > 0 ? Math.min(n, MAX_TIMEOUT_MS) : profile.requestTimeoutMs;
  };

  const answer = async (msg: Msg): Promise<void> => {
    // A call nobody waits for (no reply subject) is not run: a write must have someone to tell.
    if (!msg.reply) return;
    const started = Date.now();
    const method = methodOf(clusterId, msg.subject) ?? "";
    let reply: Reply<unknown>;
    try {
      const p = parse(method, msg);
      const redirects = msg.headers?.values(REDIRECT_HEADER) ?? [];
      reply = okReply(
        await route(p.method, p.req as ControlRequest<ControlMethod>, started + timeoutOf(msg), redirects),
      );
    } catch (e) {
      reply = errorReply(e);
      if (!reply.ok && reply.error.code === Code.Internal) {
        log.warn({ cluster: clusterId, method, err: reply.error.message }, "control call failed");
      }
    }
    sendReply(nc, msg, reply, { log, context: { cluster: clusterId, method } });
  };

  const onMsg = (err: Error | null, msg: Msg) => {
    if (err) {
      log.error({ cluster: clusterId, err: err.message }, "control bus subscription error");
      return;
    }
    const p = answer(msg).finally(() => inFlight.delete(p));
    inFlight.add(p);
  };

  const subs: Subscription[] = [
    nc.subscribe(controlQueueSubject(clusterId), { queue: CONTROL_QUEUE, callback: onMsg }),
    nc.subscribe(addressedToSubject(clusterId, self.raftId), { callback: onMsg }),
  ];

  return {
    async stop() {
      for (const s of subs) if (!s.isClosed()) s.unsubscribe();
      await Promise.allSettled([...inFlight]);
    },
  };
}
