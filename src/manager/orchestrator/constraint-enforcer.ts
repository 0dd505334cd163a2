import type { LoopComponent, PassResult } from "../control-loop/control-loop.ts";
import { TaskPlan } from "../control-loop/task-changes.ts";
import { writeChanges } from "../control-loop/write-changes.ts";
import type { Store, StoreEvent } from "../store.ts";
import { enforceConstraints } from "./enforce-constraints.ts";

/** The constraint enforcer's shell: the nodes that changed (all of them when it starts) are checked in a pass. */
export class ConstraintEnforcer implements LoopComponent {
  private all = true;
  private readonly nodes = new Set<string>();

  constructor(private readonly opts: { readonly store: Store; readonly now?: () => number }) {}

  reset(): void {
    this.all = true;
    this.nodes.clear();
  }

  observe(e: StoreEvent): boolean {
    if (e.kind !== "node" || e.action !== "update") return false;
    this.nodes.add(e.node.id);
    return true;
  }

  async pass(): Promise<PassResult> {
    const plan = new TaskPlan();
    const nowMs = (this.opts.now ?? Date.now)();
    this.opts.store.view((tx) => {
      const nodes = this.all ? tx.nodes() : [...this.nodes].flatMap((id) => tx.node(id) ?? []);
      for (const n of nodes) enforceConstraints(tx, n, plan, nowMs);
    });
    this.all = false;
    this.nodes.clear();
    return { changes: plan.size === 0 ? 0 : await writeChanges(this.opts.store, plan.changes()) };
  }
}
