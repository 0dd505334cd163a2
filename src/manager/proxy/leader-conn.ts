import { type RpcError, rpcError } from "../../rpc/status.ts";

/**
 * SwarmKit's LeaderConn (SK: manager/state/raft/raft.go) over a source of
 * leadership facts, for both relays (gRPC Dispatcher/NodeCA and the control
 * API on NATS):
 *
 * - this manager leads → serve locally;
 * - a leader is known → relay to it;
 * - no leader and `lostQuorum()` (more than electionTick ticks without one) →
 *   at once Unknown with `LOST_QUORUM_MESSAGE`;
 * - otherwise poll every Raft tick until a leader appears or the caller's
 *   deadline passes → DeadlineExceeded "context deadline exceeded".
 */
export const LOST_QUORUM_MESSAGE =
  "The swarm does not have a leader. It's possible that too few managers are online. Make sure more than half of the managers are online.";
export const CONTEXT_DEADLINE_EXCEEDED = "context deadline exceeded";
export const CONTEXT_CANCELED = "context canceled";

/** What a manager knows about leadership; the lead wires it to RaftNode. */
export interface LeaderInfo {
  /** This manager is the leader and has caught up (RaftNode.isLeader()). */
  isLeader(): boolean;
  /** The leader's Raft ID, or undefined when none is known (or it is this manager, not yet caught up). */
  leaderId(): string | undefined;
  /** The leader's gRPC address (its raft member address), or undefined when none is known. */
  leaderAddr(): string | undefined;
  /** Ticks in a row without a known leader. */
  ticksWithNoLeader(): number;
  /** No leader for longer than the lost-quorum timeout (electionTick ticks). */
  lostQuorum(): boolean;
}

export const lostQuorumError = (): RpcError => rpcError("Unknown", LOST_QUORUM_MESSAGE);
export const deadlineExceeded = (): RpcError => rpcError("DeadlineExceeded", CONTEXT_DEADLINE_EXCEEDED);
export const canceled = (): RpcError => rpcError("Canceled", CONTEXT_CANCELED);

export type LeaderChoice<T> = { readonly local: true } | { readonly local: false; readonly leader: T };

export interface LeaderConnOptions {
  /** Epoch ms after which the caller gives up. */
  readonly deadline: number;
  /** Poll interval: one Raft tick (profile.raftTickMs). */
  readonly pollMs: number;
  /** Aborted when the caller goes away (cancelled call). */
  readonly signal?: AbortSignal;
  /** Whether to test lostQuorum before polling (LeaderConn does; pollNewLeaderConn does not). */
  readonly checkLostQuorum?: boolean;
}

/**
 * Resolves with where to serve a call: locally, or at `pick(info)` (the
 * leader's address or Raft ID). Rejects with the lost-quorum Unknown, or
 * DeadlineExceeded / Canceled when the caller's time runs out first.
 */
export function leaderConn<T>(
  info: LeaderInfo,
  pick: (info: LeaderInfo) => T | undefined,
  opts: LeaderConnOptions,
): Promise<LeaderChoice<T>> {
  const now = (): LeaderChoice<T> | undefined => {
    if (info.isLeader()) return { local: true };
    const leader = pick(info);
    return leader === undefined ? undefined : { local: false, leader };
  };
  const first = now();
  if (first) return Promise.resolve(first);
  if ((opts.checkLostQuorum ?? true) && info.lostQuorum()) return Promise.reject(lostQuorumError());
  if (opts.signal?.aborted) return Promise.reject(canceled());
  return new Promise((resolve, reject) => {
    let ticker: NodeJS.Timeout | undefined;
    let timer: NodeJS.Timeout | undefined;
    const done = () => {
      clearInterval(ticker);
      clearTimeout(timer);
      opts.signal?.removeEventListener("abort", onAbort);
    };
    const onAbort = () => {
      done();
      reject(canceled());
    };
    ticker = setInterval(() => {
      const c = now();
      if (c) {
        done();
        resolve(c);
      }
    }, opts.pollMs);
    timer = setTimeout(
      () => {
        done();
        reject(deadlineExceeded());
      },
      Math.max(0, opts.deadline - Date.now()),
    );
    opts.signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/** Go's `%s` of a []string: `[a b]`. */
export function goStringSlice(values: readonly string[]): string {
  return `[${values.join(" ")}]`;
}

export const moreThanOneRedirect = (from: readonly string[]): RpcError =>
  rpcError("ResourceExhausted", `more than one redirect to leader from: ${goStringSlice(from)}`);
