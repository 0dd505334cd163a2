/**
 * A concurrent history: every call a client made, with when it started, when it
 * returned and what came back. This is what a workload records and what the
 * checker reads, so it is plain data (JSON round-trips it) and a history read
 * from a file is validated before anyone trusts it.
 */

/** A register's value; `null` is "no value" (a key never written, a label absent). */
export type Value = string | null;

/**
 * - `ok`: the call took effect and its answer is known.
 * - `error`: the call definitely did not take effect (refused before being proposed).
 * - `unknown`: it may or may not have taken effect (a timeout, a leader that crashed
 *   after sending its appends). It has no return time: it stays pending until the end
 *   of the history, as porcupine and Knossos treat a crashed call, because the write
 *   may land at any later moment.
 */
export type Outcome = "ok" | "error" | "unknown";

export type OpKind = "write" | "read" | "cas";

export interface Op {
  /** Unique within the history; the timeline and the verdict name ops by it. */
  id: number;
  client: string;
  kind: OpKind;
  key: string;
  /** write: the value written; cas: the value set if `expect` matched; read: the value seen (when ok). */
  value: Value;
  /** cas only: the value the register had to hold. A cas that found another value is `error` (not applied). */
  expect?: Value;
  /** Milliseconds on one clock shared by all clients (one process records them all). */
  call: number;
  /** Absent exactly when the outcome is `unknown`. */
  ret?: number;
  outcome: Outcome;
}

export interface History {
  ops: Op[];
}

/** What a call-site holds while its call is in flight: it records how the call ended, once. */
export interface PendingOp {
  readonly id: number;
  ok(readValue?: Value): void;
  error(): void;
  unknown(): void;
}

/**
 * Records calls as a workload makes them. Times come from `now` (monotonic by
 * default: wall clocks step, and a step backwards would invent a real-time order).
 * A call never ended (the workload stopped while it was in flight) is `unknown`.
 */
export class HistoryRecorder {
  private readonly ops: Op[] = [];
  private nextId = 1;

  constructor(private readonly now: () => number = () => performance.now()) {}

  invoke(client: string, kind: OpKind, key: string, value: Value = null, expect?: Value): PendingOp {
    const op: Op = { id: this.nextId++, client, kind, key, value, call: this.now(), outcome: "unknown" };
    if (kind === "cas") op.expect = expect ?? null;
    this.ops.push(op);
    let ended = false;
    const end = (outcome: Outcome): void => {
      if (ended) throw new Error(`op ${op.id} ended twice`);
      ended = true;
      op.outcome = outcome;
      if (outcome !== "unknown") op.ret = this.now();
    };
    return {
      id: op.id,
      ok: (readValue) => {
        end("ok");
        if (kind === "read") op.value = readValue ?? null;
      },
      error: () => end("error"),
      unknown: () => end("unknown"),
    };
  }

  /** A copy: the recorder may keep recording while the copy is checked or written. */
  history(): History {
    return { ops: this.ops.map((o) => ({ ...o })) };
  }
}

function isValue(v: unknown): v is Value {
  return v === null || typeof v === "string";
}

/** Validates a history read from a file (or any untrusted JSON); throws naming the first bad op. */
export function parseHistory(json: unknown): History {
  if (typeof json !== "object" || json === null || !Array.isArray((json as { ops?: unknown }).ops)) {
    throw new Error("history: expected an object with an `ops` array");
  }
  const ids = new Set<number>();
  const ops = (json as { ops: unknown[] }).ops.map((raw, i): Op => {
    const bad = (why: string): never => {
      throw new Error(`history: op at index ${i}: ${why}`);
    };
    if (typeof raw !== "object" || raw === null) return bad("not an object");
    const o = raw as Record<string, unknown>;
    if (typeof o.id !== "number" || !Number.isInteger(o.id)) return bad("id must be an integer");
    if (ids.has(o.id)) return bad(`duplicate id ${o.id}`);
    ids.add(o.id);
    if (typeof o.client !== "string") return bad("client must be a string");
    if (o.kind !== "write" && o.kind !== "read" && o.kind !== "cas") return bad("kind must be write, read or cas");
    if (typeof o.key !== "string") return bad("key must be a string");
    if (!isValue(o.value)) return bad("value must be a string or null");
    if (o.kind === "cas" && !isValue(o.expect)) return bad("a cas needs expect (string or null)");
    if (typeof o.call !== "number" || !Number.isFinite(o.call)) return bad("call must be a finite number");
    if (o.outcome !== "ok" && o.outcome !== "error" && o.outcome !== "unknown") {
      return bad("outcome must be ok, error or unknown");
    }
    if (o.outcome === "unknown") {
      if (o.ret !== undefined) return bad("an unknown op has no return time");
    } else if (typeof o.ret !== "number" || !(o.ret >= o.call)) {
      return bad("ret must be a number not before call");
    }
    const op: Op = {
      id: o.id,
      client: o.client,
      kind: o.kind,
      key: o.key,
      value: o.value,
      call: o.call,
      outcome: o.outcome,
    };
    if (o.kind === "cas") op.expect = o.expect as Value;
    if (typeof o.ret === "number") op.ret = o.ret;
    return op;
  });
  return { ops };
}
