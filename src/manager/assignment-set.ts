import type { AssignmentChange } from "../gen/docker/swarmkit/v1/AssignmentChange.ts";
import type { AssignmentsMessage } from "../gen/docker/swarmkit/v1/AssignmentsMessage.ts";
import type { Task__Output } from "../gen/docker/swarmkit/v1/Task.ts";
import { taskStateOrder } from "./task-state.ts";

/** SK dispatcher: modificationBatchLimit and batchingWaitTime's role. */
export const MODIFICATION_BATCH_LIMIT = 100;
/** A batch goes out at most this many quiet periods after its first change, however busy the node. */
export const MAX_LATENCY_QUIETS = 3;

const ASSIGNED = taskStateOrder("ASSIGNED");
const stateOf = (t: Task__Output) => taskStateOrder(t.status?.state ?? "NEW");

function sameApartFromStatus(a: Task__Output, b: Task__Output): boolean {
  const x = a as unknown as Record<string, unknown>;
  const y = b as unknown as Record<string, unknown>;
  const keys = Object.keys(x);
  if (keys.length !== Object.keys(y).length) return false;
  for (const k of keys) {
    if (k !== "status" && k !== "meta" && x[k] !== y[k]) return false;
  }
  return true;
}

/** SK equality.TasksEqualStable: the same task apart from what the agent reports (status) and meta. */
function equalStable(a: Task__Output, b: Task__Output): boolean {
  // A status report replaces the status (and meta) of an otherwise shared object: no need to
  // serialise both to see it (twice per report, for every task of every node).
  if (sameApartFromStatus(a, b)) return true;
  const strip = (t: Task__Output) => JSON.stringify({ ...t, status: null, meta: null });
  return strip(a) === strip(b);
}

/**
 * One node's Assignments stream (SK: manager/dispatcher/assignments.go and
 * Dispatcher.Assignments): the tasks the node holds (ASSIGNED or later), a
 * COMPLETE message first, then INCREMENTAL ones, each sent after
 * `quietMs` without a change or at MODIFICATION_BATCH_LIMIT changes, and
 * never later than MAX_LATENCY_QUIETS × `quietMs` after its first change
 * (SwarmKit restarts its timer at every change: while a scheduler writes
 * thousands of tasks, every node's commits come closer together than
 * `quietMs` and nothing went out until the whole placement was done);
 * `results_in` counts "1", "2", … and each `applies_to` is the previous one.
 * A status change the agent itself reported is not sent back to it.
 */
export class AssignmentSet {
  private readonly tasks = new Map<string, Task__Output>();
  private readonly changes = new Map<string, AssignmentChange>();
  private sequence = 0;
  private timer: NodeJS.Timeout | undefined;
  /** When the batch being collected must go out (ms, performance.now()). */
  private dueAt = 0;
  /** When its last change came. */
  private lastChangeAt = 0;

  constructor(
    private readonly send: (msg: AssignmentsMessage) => void,
    private readonly quietMs: number,
    private readonly limit = MODIFICATION_BATCH_LIMIT,
  ) {}

  /** The COMPLETE message: every task of the node that is ASSIGNED or later. */
  complete(tasks: readonly Task__Output[]): void {
    for (const t of tasks) {
      if (stateOf(t) >= ASSIGNED) this.tasks.set(t.id, t);
    }
    const changes: AssignmentChange[] = [...this.tasks.values()].map((task) => ({
      assignment: { task },
      action: "UPDATE",
    }));
    this.emit("COMPLETE", changes);
  }

  /** A task of this node was created or updated. */
  update(t: Task__Output): void {
    const state = stateOf(t);
    if (state < ASSIGNED) return;
    const old = this.tasks.get(t.id);
    this.tasks.set(t.id, t);
    // States up to ASSIGNED are the manager's: always sent. Later ones were reported by the agent,
    // which needs them back only when a change is going out anyway (then it carries the latest).
    if (old && state > ASSIGNED && equalStable(old, t)) {
      if (this.changes.has(t.id)) this.changes.set(t.id, { assignment: { task: t }, action: "UPDATE" });
      return;
    }
    this.changes.set(t.id, { assignment: { task: t }, action: "UPDATE" });
    this.modified();
  }

  /** A task of this node was deleted (the task reaper). */
  remove(taskId: string): void {
    if (!this.tasks.delete(taskId)) return;
    this.changes.set(taskId, { assignment: { task: { id: taskId } }, action: "REMOVE" });
    this.modified();
  }

  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.changes.clear();
  }

  private modified(): void {
    if (this.changes.size >= this.limit) {
      this.flush();
      return;
    }
    // One timer per batch, not one per change (a big service's placement is thousands of changes):
    // when it fires early for a change that came meanwhile, it waits the rest of the quiet period.
    this.lastChangeAt = performance.now();
    if (this.timer !== undefined) return;
    this.dueAt = this.lastChangeAt + MAX_LATENCY_QUIETS * this.quietMs;
    this.timer = setTimeout(() => this.due(), this.quietMs);
  }

  private due(): void {
    this.timer = undefined;
    const at = Math.min(this.lastChangeAt + this.quietMs, this.dueAt);
    const wait = at - performance.now();
    // Under a millisecond early (timers round to whole ones): due now.
    if (wait >= 1) this.timer = setTimeout(() => this.due(), wait);
    else this.flush();
  }

  private flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.changes.size === 0) return;
    const changes = [...this.changes.values()];
    this.changes.clear();
    this.emit("INCREMENTAL", changes);
  }

  private emit(type: "COMPLETE" | "INCREMENTAL", changes: AssignmentChange[]): void {
    const appliesTo = this.sequence === 0 ? "" : String(this.sequence);
    this.sequence++;
    this.send({ type, applies_to: appliesTo, results_in: String(this.sequence), changes });
  }
}
