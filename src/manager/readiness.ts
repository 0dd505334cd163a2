import type { RaftNode } from "../raft/node/index.ts";
import { type RpcError, rpcError } from "../rpc/status.ts";
import type { Leadership } from "./leadership.ts";
import type { ReplicatedStore } from "./store.ts";

/** An event source: calls the listener on each event, returns the unsubscribe. */
type Subscribe = (listener: () => void) => () => void;

/**
 * Resolves once `holds()` does, checked now and on each event of `events`;
 * after `timeoutMs`, rejects with `timedOut()` (or resolves when it is absent:
 * a soft wait).
 */
function whenHolds(
  holds: () => boolean,
  events: readonly Subscribe[],
  timeoutMs: number,
  timedOut?: () => RpcError,
): Promise<void> {
  if (holds()) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const unsubscribe: (() => void)[] = [];
    const finish = (err?: RpcError) => {
      clearTimeout(timer);
      for (const u of unsubscribe) u();
      if (err) reject(err);
      else resolve();
    };
    const timer = setTimeout(() => finish(timedOut?.()), timeoutMs);
    for (const on of events) {
      unsubscribe.push(
        on(() => {
          if (holds()) finish();
        }),
      );
    }
  });
}

/**
 * The manager is ready once the store holds the cluster object: bootstrapped,
 * replayed from the WAL, or caught up from the leader (entries, or a snapshot).
 */
export function storeHoldsCluster(
  store: ReplicatedStore,
  mode: "bootstrap" | "restart" | "join",
  timeoutMs: number,
): Promise<void> {
  return whenHolds(
    () => store.view((tx) => tx.cluster()) !== undefined,
    [(fn) => store.watch((e) => e.kind === "cluster" && fn()), (fn) => store.onRestore(fn)],
    timeoutMs,
    () =>
      rpcError(
        "DeadlineExceeded",
        mode === "join"
          ? "context deadline exceeded: the new manager did not catch up with the leader's log"
          : "context deadline exceeded: the store was not rebuilt from the raft log",
      ),
  );
}

/**
 * A soft wait: a leader is known (the raft actor records it) and, if it is
 * this member, its leader-only components run (a member that leads but has
 * not applied its term's first entry yet is waited for too). For a new or lone
 * member only: one restarted among others serves at once, as SwarmKit's does,
 * and its control calls wait for a leader or fail with the lost-quorum error.
 */
export function leaderSettled(raft: RaftNode, leadership: Leadership, timeoutMs: number): Promise<void> {
  return whenHolds(
    () => {
      const lead = raft.leaderId();
      return lead !== "0" && (lead !== raft.raftId || leadership.ready);
    },
    [
      (fn) => {
        const s = raft.actor.subscribe(fn);
        return () => s.unsubscribe();
      },
      (fn) => leadership.onReady(fn),
    ],
    timeoutMs,
  );
}

/**
 * A soft wait for a restarted member: everything its WAL had committed is
 * applied again (the store and the memberlist rebuilt), checked on each store
 * change, memberlist change and Raft tick.
 */
export function logReplayed(raft: RaftNode, store: ReplicatedStore, tickMs: number, timeoutMs: number): Promise<void> {
  const upTo = raft.committedIndexNow();
  return whenHolds(
    () => raft.appliedIndexNow() >= upTo,
    [
      (fn) => store.watch(fn),
      (fn) => raft.onMembershipChange(fn),
      (fn) => {
        const t = setInterval(fn, tickMs);
        return () => clearInterval(t);
      },
    ],
    timeoutMs,
  );
}
