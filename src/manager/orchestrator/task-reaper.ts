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
 * leader looks at every task.
 */
export class TaskReaper implements LoopComponent {
  private all = true;
  private readonly slots = new Set<string>();
  private readonly candidates = new Set<string>();

  constructor(private readonly opts: { readonly store: Store }) {}

  reset(): void {
    this.all = true;
    this.slots.clear();
    this.candidates.clear();
  }

  observe(e: StoreEvent): boolean {
    if (e.kind !== "task" || e.action === "delete") return false;
    const t = e.task;
    // A new task grows its slot's history; one that ended may let an older one go.
    const grows = e.action === "create" || stateAbove(observed(t), "RUNNING");
    if (grows) this.slots.add(`${t.service_id}\u0000${t.id}`);
    if (!removable(t)) return grows;
    this.candidates.add(t.id);
    return true;
  }

  async pass(): Promise<PassResult> {
    const plan = new TaskPlan();
    this.opts.store.view((tx) => this.decide(tx, plan));
    return { changes: plan.size === 0 ? 0 : await writeChanges(this.opts.store, plan.changes()) };
  }

  private decide(tx: ReadTx, plan: TaskPlan): void {
    const clusterLimit = tx.cluster()?.spec.orchestration.taskHistoryRetentionLimit ?? DEFAULT_TASK_HISTORY;
    const candidates = this.all ? tx.tasks() : [...this.candidates].flatMap((id) => tx.task(id) ?? []);
    for (const t of candidates) if (removable(t)) plan.delete(t);
    // The slots to trim: those of the new tasks, or every slot of every service.
    const services = new Map<string, Set<string> | "all">();
    if (this.all) for (const s of tx.services()) services.set(s.id, "all");
    for (const key of this.slots) {
      const [serviceId = "", taskId = ""] = key.split("\u0000");
      const s = services.get(serviceId);
      if (s === "all") continue;
      const t = tx.task(taskId);
      if (!t) continue;
      const keys = s ?? new Set<string>();
      keys.add(historyKey(tx.service(serviceId), t));
      services.set(serviceId, keys);
    }
    this.all = false;
    this.slots.clear();
    this.candidates.clear();
    for (const [serviceId, keys] of services) {
      const service = tx.service(serviceId);
      if (!service) continue;
      const bySlot = new Map<string, typeof candidates>();
      for (const t of tx.tasksOfService(serviceId)) {
        const k = historyKey(service, t);
        if (keys !== "all" && !keys.has(k)) continue;
        const live = plan.current(t);
        if (!live) continue;
        const list = bySlot.get(k);
        if (list) list.push(live);
        else bySlot.set(k, [live]);
      }
      const limit = historyLimit(service, clusterLimit);
      for (const slot of bySlot.values()) trimHistory(slot, limit, plan);
    }
  }
}
