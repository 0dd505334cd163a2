import { ReplicatedStore, type StoreEvent } from "../../../src/manager/store.ts";
import { ErrLostLeadership, ErrRequestTooLarge, raftError } from "../../../src/raft/node/errors.ts";

interface Proposal {
  readonly data: Uint8Array;
  resolve(): void;
  reject(e: Error): void;
  settled: boolean;
}

/**
 * A leader and a follower over a log that behaves as Raft's does for the
 * store: proposals are appended in the order made, the test commits a
 * prefix (applied on both, in order, then the proposer is answered), can
 * refuse a proposal outright (never in the log), and can take leadership
 * away (the proposers are rejected; entries already in the log may still
 * commit, or be truncated).
 */
export function raftLike() {
  const leader = new ReplicatedStore();
  const follower = new ReplicatedStore();
  let log: Proposal[] = [];
  let committed = 0;
  let leading = true;
  let proposals = 0;
  const refuse = new Set<number>();
  leader.attach({
    isLeader: () => leading,
    propose: (data) =>
      new Promise<void>((resolve, reject) => {
        if (refuse.has(++proposals)) {
          reject(raftError(ErrRequestTooLarge));
          return;
        }
        log.push({ data, resolve, reject, settled: false });
      }),
  });
  const leaderEvents: string[] = [];
  leader.watch((e: StoreEvent) => {
    if (e.kind === "node") leaderEvents.push(`${e.action}:${e.node.id}`);
  });
  return {
    leader,
    follower,
    leaderEvents,
    /** The n-th proposal from now on (1-based) is refused. */
    refuse: (n: number) => refuse.add(proposals + n),
    logLength: () => log.length,
    /** Commits the log up to `upTo` entries (all by default): applied on both, proposers answered. */
    commit(upTo = log.length) {
      for (; committed < upTo; committed++) {
        const p = log[committed] as Proposal;
        leader.apply(p.data);
        follower.apply(p.data);
        if (!p.settled) {
          p.settled = true;
          p.resolve();
        }
      }
    },
    loseLeadership() {
      leading = false;
      for (const p of log.slice(committed)) {
        if (p.settled) continue;
        p.settled = true;
        p.reject(raftError(ErrLostLeadership));
      }
    },
    /** The new leader's log ends at `length`: the rest was never committed and is gone. */
    truncate(length: number) {
      log = log.slice(0, length);
    },
    regainLeadership() {
      leading = true;
    },
  };
}
