import type { Store, StoreEvent } from "./store.ts";

type TaskEvent = Extract<StoreEvent, { kind: "task" }>;

/**
 * The task changes of one node, for its Assignments streams: ONE store
 * watcher routes each task event by node ID, instead of one watcher per
 * stream that every task event of the cluster visits (1,000 agents × the
 * ~6 changes of each of 10,000 tasks was 60 million calls). The store
 * watcher lives while any stream watches.
 */
export class TaskWatchByNode {
  private readonly byNode = new Map<string, Set<(e: TaskEvent) => void>>();
  private unwatch: (() => void) | undefined;

  constructor(private readonly store: Store) {}

  watch(nodeId: string, fn: (e: TaskEvent) => void): () => void {
    let set = this.byNode.get(nodeId);
    if (!set) {
      set = new Set();
      this.byNode.set(nodeId, set);
    }
    set.add(fn);
    this.unwatch ??= this.store.watch((e) => {
      if (e.kind !== "task") return;
      const fns = this.byNode.get(e.task.node_id);
      if (fns) for (const f of fns) f(e);
    });
    return () => {
      const s = this.byNode.get(nodeId);
      if (!s?.delete(fn)) return;
      if (s.size === 0) this.byNode.delete(nodeId);
      if (this.byNode.size === 0) {
        this.unwatch?.();
        this.unwatch = undefined;
      }
    };
  }
}
