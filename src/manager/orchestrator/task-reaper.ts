import type { Service__Output } from "../../gen/docker/swarmkit/v1/Service.ts";
import type { Task__Output } from "../../gen/docker/swarmkit/v1/Task.ts";
import type { LoopComponent, PassResult } from "../control-loop/control-loop.ts";
import { TaskPlan } from "../control-loop/task-changes.ts";
import { writeChanges } from "../control-loop/write-changes.ts";
import type { ReadTx, Store, StoreEvent } from "../store.ts";
import { DEFAULT_TASK_HISTORY, historyKey, historyLimit, removable, trimHistory } from "./reap.ts";
import { observed, stateAbove } from "./task.ts";

/**
 * The task reaper's shell (SK orchestrator/taskreaper): a new or ended task
 * marks its slot's history for trimming; a task to be removed (desired REMOVE)
 * is checked for deletion on each change. The first pass after becoming
 * leader looks at every task. It keeps which tasks make up each history, so a
 * pass looks only at the histories marked that hold more than their limit: a
 * service's creation (a new task in each of its slots, one entry after another)
 * costs no walk over the service's tasks per entry.
 */
export class TaskReaper implements LoopComponent {
  private all = true;
  /** The histories marked since the last pass (history keys). */
  private readonly slots = new Set<string>();
  private readonly candidates = new Set<string>();
  /** Task ID → its history key, and history key → its task IDs (rebuilt by a pass that looks at everything). */
  private readonly keyOf = new Map<string, string>();
  private readonly members = new Map<string, { readonly serviceId: string; readonly ids: Set<string> }>();

  constructor(private readonly opts: { readonly store: Store }) {}

  reset(): void {
    this.all = true;
    this.slots.clear();
    this.candidates.clear();
    this.keyOf.clear();
    this.members.clear();
  }

  observe(e: StoreEvent): boolean {
    if (e.kind !== "task") return false;
    const t = e.task;
    if (e.action === "delete") {
      this.forget(t.id);
      return false;
    }
    const key =
      this.keyOf.get(t.id) ??
      this.remember(
        t,
        this.opts.store.view((tx) => tx.service(t.service_id)),
      );
    // A new task grows its slot's history; one that ended may let an older one go.
    const grows = e.action === "create" || stateAbove(observed(t), "RUNNING");
    if (grows) this.slots.add(key);
    if (!removable(t)) return grows;
    this.candidates.add(t.id);
    return true;
  }

  async pass(): Promise<PassResult> {
    const plan = new TaskPlan();
    this.opts.store.view((tx) => this.decide(tx, plan));
    return { changes: plan.size === 0 ? 0 : await writeChanges(this.opts.store, plan.changes()) };
  }

  /** A task's history key, from its service's mode (which never changes), kept for later events. */
  private remember(t: Task__Output, service: Service__Output | undefined): string {
    const key = historyKey(service, t);
    this.keyOf.set(t.id, key);
    const history = this.members.get(key);
    if (history) history.ids.add(t.id);
    else this.members.set(key, { serviceId: t.service_id, ids: new Set([t.id]) });
    return key;
  }

  private forget(id: string): void {
    const key = this.keyOf.get(id);
    if (key === undefined) return;
    this.keyOf.delete(id);
    const history = this.members.get(key);
    history?.ids.delete(id);
    if (history?.ids.size === 0) this.members.delete(key);
  }

  private decide(tx: ReadTx, plan: TaskPlan): void {
    const clusterLimit = tx.cluster()?.spec.orchestration.taskHistoryRetentionLimit ?? DEFAULT_TASK_HISTORY;
    if (this.all) {
      this.keyOf.clear();
      this.members.clear();
      for (const t of tx.tasks()) this.remember(t, tx.service(t.service_id));
    }
    const candidates = this.all ? tx.tasks() : [...this.candidates].flatMap((id) => tx.task(id) ?? []);
    for (const t of candidates) if (removable(t)) plan.delete(t);
    // The histories to trim: those marked, or every one of every service.
    for (const key of this.all ? [...this.members.keys()] : this.slots) {
      const history = this.members.get(key);
      const service = history && tx.service(history.serviceId);
      if (!service || !history) continue;
      const ids = history.ids;
      const limit = historyLimit(service, clusterLimit);
      if (limit < 0 || ids.size <= limit) continue;
      const slot: Task__Output[] = [];
      for (const id of ids) {
        const t = tx.task(id);
        const live = t && plan.current(t);
        if (live) slot.push(live);
      }
      trimHistory(slot, limit, plan);
    }
    this.all = false;
    this.slots.clear();
    this.candidates.clear();
  }
}
