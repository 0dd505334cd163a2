import type { Store, StoreEvent } from "./store.ts";

/** What `keyOf` answers for an event every watcher hears (the cluster object). */
export const EVERY_NODE = Symbol("every node");

/**
 * Store events routed by node ID: ONE store watcher, whatever the number of
 * streams, and each event visits only the watchers of its node. One watcher
 * per stream made every event visit all of them: 1,000 agents × the ~6
 * changes of each of 10,000 tasks was 60 million calls for the Assignments
 * streams, and the Session streams' watchers cost as much again. The store
 * watcher lives while anyone watches.
 */
export class WatchByNode {
  private readonly byNode = new Map<string, Set<(e: StoreEvent) => void>>();
  private unwatch: (() => void) | undefined;

  constructor(
    private readonly store: Store,
    /** The node an event concerns, EVERY_NODE, or undefined (no watcher's). */
    private readonly keyOf: (e: StoreEvent) => string | typeof EVERY_NODE | undefined,
  ) {}

  watch(nodeId: string, fn: (e: StoreEvent) => void): () => void {
    let set = this.byNode.get(nodeId);
    if (!set) {
      set = new Set();
      this.byNode.set(nodeId, set);
    }
    set.add(fn);
    this.unwatch ??= this.store.watch((e) => this.route(e));
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

  private route(e: StoreEvent): void {
    const key = this.keyOf(e);
    if (key === undefined) return;
    if (key !== EVERY_NODE) {
      const fns = this.byNode.get(key);
      if (fns) for (const f of fns) f(e);
      return;
    }
    for (const fns of [...this.byNode.values()]) for (const f of fns) f(e);
  }
}

type TaskEvent = Extract<StoreEvent, { kind: "task" }>;

/** The task changes of each node, for its Assignments streams. */
export function taskWatchByNode(store: Store) {
  const w = new WatchByNode(store, (e) => (e.kind === "task" ? e.task.node_id : undefined));
  return {
    watch: (nodeId: string, fn: (e: TaskEvent) => void) =>
      w.watch(nodeId, (e) => {
        if (e.kind === "task") fn(e);
      }),
  };
}

/** A node's own changes and the cluster object's, for its Session streams (each sends the node and the managers again). */
export function sessionWatchByNode(store: Store): WatchByNode {
  return new WatchByNode(store, (e) => (e.kind === "node" ? e.node.id : e.kind === "cluster" ? EVERY_NODE : undefined));
}
