import type { History, Op } from "./history.ts";
import type { Model } from "./model.ts";

/**
 * Linearizability checking in the style of porcupine: Wing & Gong's search with
 * Lowe's memo, run on each key's sub-history alone.
 *
 * - Per key (P-compositionality, Herlihy & Wing): a history is linearizable iff
 *   each object's sub-history is, and the search is exponential in the number of
 *   concurrent ops, so several small searches beat one big one by far.
 * - The search walks the calls and returns in time order. At a call it tries to
 *   linearize that op next (the model must accept its answer); at a return it
 *   has met an op that had to be linearized already, so it backtracks. The memo
 *   of (set of linearized ops, state) prunes every arrangement already known to
 *   lead nowhere: two orders that placed the same ops and reached the same state
 *   have the same future.
 * - A step budget bounds the search: a verdict of "unknown" is honest, a check
 *   that never ends is not.
 */

export interface KeyOk {
  key: string;
  result: "ok";
  steps: number;
}

export interface KeyViolation {
  key: string;
  result: "violation";
  steps: number;
  /** The longest linearizable prefix the search found, in linearization order. */
  prefix: Op[];
  /** The state after `prefix`, as the model shows it. */
  stateAfterPrefix: string;
  /**
   * From the end of `prefix`: the op whose return came first without it having been
   * placed. Every op that could have gone before it was tried and none led on.
   */
  unplaced: Op;
  /** Those other ops that could have been placed next (called before `unplaced` returned). */
  candidates: Op[];
}

export interface KeyUnknown {
  key: string;
  result: "unknown";
  steps: number;
}

export type KeyVerdict = KeyOk | KeyViolation | KeyUnknown;

export interface CheckResult {
  /** violation if any key has one (definitive); else unknown if any key ran out of budget; else ok. */
  result: "ok" | "violation" | "unknown";
  keys: KeyVerdict[];
  steps: number;
}

export interface CheckOptions {
  /** Search steps for the whole history, all keys together. */
  maxSteps?: number;
}

const DEFAULT_MAX_STEPS = 5_000_000;

/**
 * What the search keeps of a key's ops. Errors did not take effect and carry no
 * answer: dropped. An unknown read carries no answer either: dropped. An unknown
 * write (or cas) may have landed at any time after its call: kept with no return,
 * so it may be linearized anywhere after its call, or never (the search ends once
 * every op that returned is placed).
 */
function relevant(op: Op): boolean {
  if (op.outcome === "error") return false;
  if (op.outcome === "unknown" && op.kind === "read") return false;
  return true;
}

export function checkHistory<S>(history: History, model: Model<S>, opts: CheckOptions = {}): CheckResult {
  const byKey = new Map<string, Op[]>();
  for (const op of history.ops) {
    if (!relevant(op)) continue;
    const ops = byKey.get(op.key) ?? [];
    ops.push(op);
    byKey.set(op.key, ops);
  }
  let budget = opts.maxSteps ?? DEFAULT_MAX_STEPS;
  const keys: KeyVerdict[] = [];
  for (const key of [...byKey.keys()].sort()) {
    const verdict = checkKey(key, byKey.get(key) ?? [], model, budget);
    budget -= verdict.steps;
    keys.push(verdict);
  }
  const steps = keys.reduce((n, k) => n + k.steps, 0);
  const result = keys.some((k) => k.result === "violation")
    ? "violation"
    : keys.some((k) => k.result === "unknown")
      ? "unknown"
      : "ok";
  return { result, keys, steps };
}

function checkKey<S>(key: string, given: Op[], model: Model<S>, budget: number): KeyVerdict {
  // In call order, the ops linearized so far are nearly a prefix: the memo stores them as
  // "all below `low`" plus the few bits above it, not a bitset as long as the history.
  const ops = (model.prune ? model.prune(given) : given).slice().sort((a, b) => a.call - b.call || a.id - b.id);
  const n = ops.length;
  // Entries 0..n-1 are calls (entry i is op i's call), n..2n-1 returns (n+i is op i's return).
  // Ties put calls before returns: ops that touch at one instant count as concurrent,
  // so a coarse clock cannot invent an order the system never promised.
  const order: number[] = [];
  for (let i = 0; i < n; i++) {
    order.push(i);
    if (ops[i]?.ret !== undefined) order.push(n + i);
  }
  const timeOf = (e: number): number => {
    const op = ops[e % n] as Op;
    return e < n ? op.call : (op.ret as number);
  };
  order.sort((a, b) => timeOf(a) - timeOf(b) || Number(a >= n) - Number(b >= n) || a - b);

  // A doubly linked list over the entries with head and tail sentinels, so an op
  // is lifted out and put back in O(1) (dancing links), in strict reverse order.
  const HEAD = 2 * n;
  const TAIL = 2 * n + 1;
  const next = new Int32Array(2 * n + 2).fill(-1);
  const prev = new Int32Array(2 * n + 2).fill(-1);
  let last = HEAD;
  for (const e of order) {
    next[last] = e;
    prev[e] = last;
    last = e;
  }
  next[last] = TAIL;
  prev[TAIL] = last;
  const unlink = (e: number): void => {
    next[prev[e] as number] = next[e] as number;
    prev[next[e] as number] = prev[e] as number;
  };
  const relink = (e: number): void => {
    next[prev[e] as number] = e;
    prev[next[e] as number] = e;
  };
  const hasReturn = (i: number): boolean => ops[i]?.ret !== undefined;
  const lift = (i: number): void => {
    unlink(i);
    if (hasReturn(i)) unlink(n + i);
  };
  const unlift = (i: number): void => {
    if (hasReturn(i)) relink(n + i);
    relink(i);
  };

  const bits = new Uint32Array(Math.ceil(n / 32) + 1);
  const isSet = (i: number): boolean => ((bits[i >>> 5] as number) & (1 << (i & 31))) !== 0;
  let low = 0;
  const flip = (i: number): void => {
    bits[i >>> 5] = (bits[i >>> 5] as number) ^ (1 << (i & 31));
    if (isSet(i)) {
      while (low < n && isSet(low)) low++;
    } else if (i < low) {
      low = i;
    }
  };
  /** The highest op index linearized, per stack depth: where the memo key's bits end. */
  const highs: number[] = [];
  const memoKey = (high: number, stateHash: string): string =>
    `${low}:${bits.subarray(low >>> 5, (Math.max(high, low) >>> 5) + 1).join(",")}|${stateHash}`;
  const memo = new Set<string>();
  const stack: { op: number; before: S }[] = [];
  let state = model.init(key);
  let returnsLeft = order.length - n;
  let steps = 0;
  let best: { prefix: number[]; state: S } = { prefix: [], state };

  let entry = next[HEAD] as number;
  while (returnsLeft > 0) {
    if (++steps > budget) return { key, result: "unknown", steps: steps - 1 };
    if (entry < n) {
      const after = model.step(state, ops[entry] as Op);
      if (after !== undefined) {
        flip(entry);
        const high = Math.max(entry, highs.at(-1) ?? -1);
        const seen = memoKey(high, model.hash(after));
        if (!memo.has(seen)) {
          memo.add(seen);
          stack.push({ op: entry, before: state });
          highs.push(high);
          state = after;
          lift(entry);
          if (hasReturn(entry)) returnsLeft--;
          entry = next[HEAD] as number;
          continue;
        }
        flip(entry);
      }
      entry = next[entry] as number;
    } else {
      // A return reached: its op had to be placed by now and was not. Undo the last choice.
      // The deepest prefix is always reached just before a backtrack: copy it here, not at
      // every push, or a long history that passes would pay a copy per op.
      if (stack.length > best.prefix.length) best = { prefix: stack.map((s) => s.op), state };
      const top = stack.pop();
      if (top === undefined) return violation(key, ops, best, model, steps);
      highs.pop();
      state = top.before;
      flip(top.op);
      unlift(top.op);
      if (hasReturn(top.op)) returnsLeft++;
      entry = next[top.op] as number;
    }
  }
  return { key, result: "ok", steps };
}

function violation<S>(
  key: string,
  ops: Op[],
  best: { prefix: number[]; state: S },
  model: Model<S>,
  steps: number,
): KeyViolation {
  const placed = new Set(best.prefix);
  const rest = ops.map((_, i) => i).filter((i) => !placed.has(i));
  // The first deadline among the ops left: the op that could not be placed in time.
  const returned = rest.filter((i) => ops[i]?.ret !== undefined);
  const deadline = (i: number): number => ops[i]?.ret as number;
  const first = returned.reduce((a, b) => (deadline(b) < deadline(a) ? b : a));
  const unplaced = ops[first] as Op;
  const candidates = rest.filter((i) => i !== first && (ops[i] as Op).call <= deadline(first)).map((i) => ops[i] as Op);
  return {
    key,
    result: "violation",
    steps,
    prefix: best.prefix.map((i) => ops[i] as Op),
    stateAfterPrefix: model.show(best.state),
    unplaced,
    candidates,
  };
}
