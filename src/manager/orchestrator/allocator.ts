import type { LoopComponent, PassResult } from "../control-loop/control-loop.ts";
import { TaskPlan } from "../control-loop/task-changes.ts";
import { writeChanges } from "../control-loop/write-changes.ts";
import type { Store, StoreEvent } from "../store.ts";
import { allocate } from "./allocate.ts";
import { observed } from "./task.ts";

/** The allocator's shell: NEW tasks, collected from the store's changes, become PENDING in one pass. */
export class Allocator implements LoopComponent {
  private all = true;
  private readonly fresh = new Set<string>();

  constructor(private readonly opts: { readonly store: Store; readonly now?: () => number }) {}

  reset(): void {
    this.all = true;
    this.fresh.clear();
  }

  observe(e: StoreEvent): boolean {
    if (e.kind !== "task" || e.action === "delete" || observed(e.task) !== "NEW") return false;
    this.fresh.add(e.task.id);
    return true;
  }

  async pass(): Promise<PassResult> {
    const plan = new TaskPlan();
    const nowMs = (this.opts.now ?? Date.now)();
    this.opts.store.view((tx) => {
      const tasks = this.all ? tx.tasks() : [...this.fresh].flatMap((id) => tx.task(id) ?? []);
      for (const t of tasks) allocate(t, plan, nowMs);
    });
    this.all = false;
    this.fresh.clear();
    return { changes: plan.size === 0 ? 0 : await writeChanges(this.opts.store, plan.changes()) };
  }
}
