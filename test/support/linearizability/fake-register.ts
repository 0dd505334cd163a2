import { mulberry32 } from "../../raft/sim/support/prng.ts";
import type { History, Op, Value } from "./history.ts";

/**
 * A replicated register in miniature, to show the checker catches the bug a
 * real workload is meant to catch: a leader orders writes and followers apply
 * them after a replication lag. The correct build sends every read to the
 * leader (as a read index would); the broken build lets a follower answer from
 * its own, possibly stale, state. Clients are bound to one node each, as a
 * workload's clients each talk to one manager, so a client's name says which
 * node answered it.
 *
 * Only timing is simulated, and it is drawn first; values follow from the order
 * of the ops' effect points, so the correct build is linearizable by
 * construction (each effect point lies inside its op's interval).
 */

export interface FakeRegisterOptions {
  seed: number;
  /** The broken build: followers answer reads from their own state. */
  followerReads: boolean;
  nodes?: number;
  clients?: number;
  opsPerClient?: number;
  keys?: string[];
  /** Most a follower trails the leader by, in ms. */
  maxLagMs?: number;
}

interface Planned {
  op: Op;
  node: number;
  /** When the op takes effect (writes, leader reads) or is answered (follower reads). */
  point: number;
  /** A timed-out write: its client records unknown; whether it applied is drawn. */
  applied: boolean;
}

export function runFakeRegister(o: FakeRegisterOptions): History {
  const rand = mulberry32(o.seed);
  const between = (lo: number, hi: number): number => lo + rand() * (hi - lo);
  const nodes = o.nodes ?? 3;
  const keys = o.keys ?? ["a", "b"];
  const maxLag = o.maxLagMs ?? 30;
  const leader = 0;
  const planned: Planned[] = [];
  let id = 1;
  for (let c = 0; c < (o.clients ?? 6); c++) {
    const node = c % nodes;
    let free = between(0, 2);
    for (let i = 0; i < (o.opsPerClient ?? 25); i++) {
      const call = free + between(0, 3);
      const kind = rand() < 0.4 ? "write" : "read";
      const key = keys[Math.floor(rand() * keys.length)] as string;
      const local = kind === "read" && o.followerReads;
      // A forwarded call crosses one more hop to reach the leader.
      const point = call + between(0.2, 1) + (node === leader || local ? 0 : between(0.2, 1));
      const ret = point + between(0.2, 2);
      const timedOut = kind === "write" && rand() < 0.05;
      const op: Op = {
        id: id++,
        client: `c${c}@n${node}`,
        kind,
        key,
        value: kind === "write" ? `c${c}.${i}` : null,
        call,
        outcome: timedOut ? "unknown" : "ok",
      };
      if (!timedOut) op.ret = ret;
      planned.push({ op, node, point, applied: !timedOut || rand() < 0.5 });
      free = ret;
    }
  }

  // Replay effects in point order: the leader's log, and when each follower has applied each entry.
  const log: { key: string; value: Value; atFollower: number[] }[] = [];
  const lastArrival = new Array<number>(nodes).fill(0);
  const valueAt = (node: number, key: string, t: number): Value => {
    for (let j = log.length - 1; j >= 0; j--) {
      const e = log[j];
      if (e && e.key === key && (node === leader || (e.atFollower[node] as number) <= t)) return e.value;
    }
    return null;
  };
  for (const p of [...planned].sort((a, b) => a.point - b.point)) {
    if (p.op.kind === "write") {
      if (!p.applied) continue;
      // Followers apply in log order: an entry arrives no earlier than the one before it.
      const atFollower = lastArrival.map((prev, n) =>
        n === leader ? p.point : Math.max(prev, p.point + rand() * maxLag),
      );
      atFollower.forEach((t, n) => {
        lastArrival[n] = t;
      });
      log.push({ key: p.op.key, value: p.op.value, atFollower });
    } else {
      p.op.value = valueAt(o.followerReads ? p.node : leader, p.op.key, p.point);
    }
  }
  return { ops: planned.map((p) => p.op) };
}
