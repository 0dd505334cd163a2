import type { NatsConnection } from "@nats-io/transport-node";
import { ErrLostLeadership, raftError } from "../../raft/node/errors.ts";
import { Code, RpcError, rpcError } from "../../rpc/status.ts";
import {
  deadlineExceeded,
  type LeaderChoice,
  type LeaderInfo,
  leaderConn,
  moreThanOneRedirect,
} from "../proxy/leader-conn.ts";
import { envelopeRequest, NoResponders } from "./bus-request.ts";
import { type ControlMethod, READ_ONLY_METHODS } from "./methods.ts";
import { CALLER_HEADER, leaderSubject, REDIRECT_HEADER, TIMEOUT_HEADER, UNVERIFIED_HEADER } from "./subjects.ts";

/**
 * The leader a call was forwarded to went away: no responder on its subject,
 * or Raft moved on. Unavailable, as the connection error it becomes when the
 * retry fails too.
 */
export class LeaderGone extends RpcError {
  constructor(
    message: string,
    readonly noResponder: boolean,
  ) {
    super(Code.Unavailable, message);
  }
}

export interface LeaderRouteOptions {
  readonly nc: NatsConnection;
  readonly clusterId: string;
  /** This manager: its node ID (the forwarder the subject names), Raft ID, and address (the redirect header). */
  readonly self: { readonly nodeId: string; readonly raftId: string; readonly addr: string };
  readonly leader: LeaderInfo;
  /** One Raft tick: how often leadership is checked while a call waits. */
  readonly tickMs: number;
}

/**
 * Where a control call is served (SwarmKit's raft proxy for api.Control):
 * here when this manager leads, else forwarded once to the leader's own
 * subject. If that leader goes away while the call waits, the new one is
 * polled for and the call retried there once: a read always, a write only
 * when it reached no one. The forward names this manager
 * as its caller and the original caller in CALLER_HEADER (SwarmKit's
 * WithMetadataForwardTLSInfo).
 */

/** An authorized call: its method, the node it is served for, its validated request. */
export interface RoutedCall {
  readonly method: ControlMethod;
  readonly caller: string;
  readonly req: unknown;
  /** This manager's store does not know the caller as a manager: the leader judges it (UNVERIFIED_HEADER). */
  readonly unverified?: boolean;
}
export class LeaderRoute {
  constructor(private readonly o: LeaderRouteOptions) {}

  /** Serves the call with `local` or at the leader; rejects as LeaderConn and the leader do. */
  async route(
    call: RoutedCall,
    deadline: number,
    redirects: readonly string[],
    local: () => Promise<unknown>,
  ): Promise<unknown> {
    const choice = await this.where(deadline);
    if (choice.local) return local();
    if (redirects.length > 0) throw moreThanOneRedirect(redirects);
    try {
      return await this.forward(choice.leader, call, deadline);
    } catch (e) {
      if (!(e instanceof LeaderGone)) throw e;
      // The gone leader may have taken a write, proposed it, and the entry may commit under the next
      // leader. Sent again, the write would meet its own effect (`update out of sequence`) and tell the
      // caller it was not applied when it was. So a write is retried only when it reached nobody (no
      // responder); else its outcome is unknown, as the leader's own lost leadership says.
      if (!e.noResponder && !READ_ONLY_METHODS.has(call.method)) throw raftError(ErrLostLeadership);
      const next = await this.pollNewLeader(e, choice.leader, deadline);
      if (next.local) return local();
      try {
        return await this.forward(next.leader, call, deadline);
      } catch (e2) {
        if (e2 instanceof LeaderGone) throw rpcError("Unavailable", `connection error: ${e2.message}`);
        throw e2;
      }
    }
  }

  /** The leader's Raft ID, unless it is this manager (not yet caught up) or none is known. */
  private pick(i: LeaderInfo): string | undefined {
    const id = i.leaderId();
    return id && id !== this.o.self.raftId ? id : undefined;
  }

  private where(deadline: number): Promise<LeaderChoice<string>> {
    return leaderConn(this.o.leader, (i) => this.pick(i), { deadline, pollMs: this.o.tickMs });
  }

  /** Forwards to the leader; rejects LeaderGone when it has no responder or Raft moves on while waiting. */
  private forward(target: string, call: RoutedCall, deadline: number): Promise<unknown> {
    const { nc, clusterId, self, leader } = this.o;
    return new Promise((resolve, reject) => {
      const watch = setInterval(() => {
        if (leader.isLeader() || this.pick(leader) !== target) {
          clearInterval(watch);
          reject(new LeaderGone(`the leader (raft ID ${target}) lost leadership`, false));
        }
      }, this.o.tickMs);
      envelopeRequest(nc, leaderSubject(clusterId, call.method, self.nodeId, target), JSON.stringify(call.req), {
        timeoutMs: deadline - Date.now(),
        headers: {
          [REDIRECT_HEADER]: self.addr,
          [CALLER_HEADER]: call.caller,
          [TIMEOUT_HEADER]: String(Math.max(1, deadline - Date.now())),
          ...(call.unverified ? { [UNVERIFIED_HEADER]: "1" } : {}),
        },
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
  }

  /**
   * SwarmKit's pollNewLeaderConn: every half tick, LeaderConn, until a leader
   * that can answer — one other than the gone one when it had no responder
   * (the health check's part), any leader when Raft merely moved on.
   */
  private async pollNewLeader(gone: LeaderGone, target: string, deadline: number): Promise<LeaderChoice<string>> {
    for (;;) {
      await new Promise((r) => setTimeout(r, Math.max(0, Math.min(this.o.tickMs / 2, deadline - Date.now()))));
      const choice = await this.where(deadline);
      if (choice.local || !gone.noResponder || choice.leader !== target) return choice;
      if (Date.now() >= deadline) throw deadlineExceeded();
    }
  }
}
