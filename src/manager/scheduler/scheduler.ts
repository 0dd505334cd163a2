import type { Task__Output } from "../../gen/docker/swarmkit/v1/Task.ts";
import type { LoopComponent, PassResult } from "../control-loop/control-loop.ts";
import { type TaskChange, TaskPlan } from "../control-loop/task-changes.ts";
import { writeChanges } from "../control-loop/write-changes.ts";
import { groupBy } from "../orchestrator/slots.ts";
import type { Store, StoreEvent, WriteTx } from "../store.ts";
import { taskStateOrder } from "../task-state.ts";
import { RecentFailures } from "./recent-failures.ts";
import { schedule } from "./schedule.ts";

/** A task the scheduler has to place (SK scheduler.createTask): PENDING, and not already to be stopped. */
export const awaitsScheduling = (t: Task__Output): boolean =>
  t.status?.state === "PENDING" && taskStateOrder(t.desired_state) <= taskStateOrder("COMPLETE");

/**
 * The scheduler's shell (SK manager/scheduler): keeps the PENDING tasks and
 * runs a pass when one arrives and, while any waits, on every change that may
 * free or add capacity: a task that ends, is deleted or is no longer to run, a node that changes
 * (moby/moby#32999: SwarmKit only looked again on some of those events).
 * Assignments are written only to a node still at the version they were
 * decided on. It reads through the writes this leader has in flight and
 * hears of the tasks they create as they are proposed: tasks still being
 * committed are placed at once, and their assignments go into the log right
 * behind them.
 */
export class Scheduler implements LoopComponent {
  private all = true;
  private readonly pending = new Set<string>();
  private readonly failures = new RecentFailures();
  private readonly now: () => number;

  constructor(private readonly opts: { readonly store: Store; readonly now?: () => number }) {
    this.now = opts.now ?? Date.now;
  }

  reset(): void {
    this.all = true;
    this.pending.clear();
    this.failures.clear();
  }

  observe(e: StoreEvent): boolean {
    if (e.kind === "cluster" || e.kind === "service") return false;
    if (e.kind === "node") return this.pending.size > 0;
    const t = e.task;
    if (e.action !== "delete" && awaitsScheduling(t)) {
      this.pending.add(t.id);
      return true;
    }
    this.pending.delete(t.id);
    if (e.action === "update" && (t.status?.state === "FAILED" || t.status?.state === "REJECTED") && t.node_id !== "") {
      this.failures.record(t, this.now());
    }
    // A task that ended, is deleted or is no longer to run frees what it held on its node.
    const frees =
      e.action === "delete" ||
      taskStateOrder(t.status?.state ?? "NEW") > taskStateOrder("RUNNING") ||
      taskStateOrder(t.desired_state) > taskStateOrder("COMPLETE");
    return frees && this.pending.size > 0;
  }

  observeInFlight(t: Task__Output): boolean {
    if (!awaitsScheduling(t)) return false;
    this.pending.add(t.id);
    return true;
  }

  async pass(): Promise<PassResult> {
    const plan = new TaskPlan();
    const nowMs = this.now();
    // Through this leader's in-flight writes: the tasks the orchestrators are still committing are
    // placed in this pass, and the ones an earlier pass placed count on their nodes already.
    const { nodeVersions } = this.opts.store.viewStaged((tx) => {
      if (this.all) for (const t of tx.tasks()) if (awaitsScheduling(t)) this.pending.add(t.id);
      this.all = false;
      const pending: Task__Output[] = [];
      for (const id of this.pending) {
        const t = tx.task(id);
        if (t && awaitsScheduling(t)) pending.push(t);
        else this.pending.delete(id);
      }
      return schedule(
        { tx, pending, nowMs, recentFailures: (nodeId, t) => this.failures.count(nodeId, t, nowMs) },
        plan,
      );
    });
    if (plan.size === 0) return { changes: 0 };
    const sameNode = (tx: WriteTx, c: TaskChange): boolean => {
      if (c.op !== "update" || c.task.status?.state !== "ASSIGNED") return true;
      return (tx.node(c.task.node_id)?.meta?.version?.index ?? "") === nodeVersions.get(c.task.node_id);
    };
    return { changes: await writeChanges(this.opts.store, byNode(plan.changes()), sameNode) };
  }
}

/**
 * A pass's changes with each node's together (nodes in the order first met, each node's changes in
 * theirs). Placement goes round the nodes, so in placement order every 200-change transaction held a
 * task of 200 nodes and a node's 10 tasks came in 10 entries: 10 Assignments messages, and as many
 * status report rounds from its agent. Together, they are one entry, one message (SwarmKit writes
 * its decisions in map order: no order is promised).
 */
function byNode(changes: readonly TaskChange[]): TaskChange[] {
  return [...groupBy(changes, (c) => (c.op === "delete" ? c.base.node_id : c.task.node_id)).values()].flat();
}
