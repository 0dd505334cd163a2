import type { Op, Value } from "./history.ts";

/**
 * A sequential specification of one key: what each op does to the state and
 * whether its answer is allowed. The checker only sees states through `hash`,
 * so states must be equal exactly when their hashes are (the memo relies on it).
 */
export interface Model<S> {
  init(key: string): S;
  /** The state after `op`, or undefined when `op`'s answer is impossible from `state`. */
  step(state: S, op: Op): S | undefined;
  hash(state: S): string;
  show(state: S): string;
  /**
   * Optional: drop ops of one key that cannot change the verdict. Worth having for
   * unknown ops: each stays pending to the end and doubles the ways to order what
   * follows, which is what turns a violation late in a long history into "unknown".
   */
  prune?(ops: Op[]): Op[];
}

export function showValue(v: Value): string {
  return v === null ? "∅" : JSON.stringify(v);
}

/**
 * A register per key: a write sets it, a read must see the current value, a cas
 * sets it only from the expected value. An `ok` cas is one that matched: a cas
 * refused for a mismatch did not apply and is recorded as `error`, which the
 * checker drops (weaker, never wrong).
 */
export function registerModel(initial: Value | ((key: string) => Value) = null): Model<Value> {
  return {
    init: (key) => (typeof initial === "function" ? initial(key) : initial),
    step: (state, op) => {
      switch (op.kind) {
        case "write":
          return op.value;
        case "read":
          return op.value === state ? state : undefined;
        case "cas":
          return op.expect === state ? op.value : undefined;
      }
    },
    // A prefix keeps null apart from the string "null".
    hash: (state) => (state === null ? "n" : `s${state}`),
    show: showValue,
    // An unknown write whose value no read saw and no cas expected changes nothing anyone
    // observed: take it out of any linearization that has it and the rest still holds (between
    // it and the next write, nothing read its value). So dropping it is exact, not a guess.
    prune: (ops) => {
      const observed = new Set<Value>();
      for (const op of ops) {
        if (op.outcome !== "ok") continue;
        if (op.kind === "read") observed.add(op.value);
        if (op.kind === "cas") observed.add(op.expect ?? null);
      }
      return ops.filter((op) => op.outcome !== "unknown" || op.kind === "read" || observed.has(op.value));
    },
  };
}
