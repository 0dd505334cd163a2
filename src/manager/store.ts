import type { Node__Output } from "../gen/docker/swarmkit/v1/Node.ts";
import type { Task__Output } from "../gen/docker/swarmkit/v1/Task.ts";
import type { ClusterObject } from "./cluster-object.ts";

/**
 * The manager's object store (SK: manager/state/store): nodes, tasks and the
 * cluster object. Writes are transactions applied one at a time, in order;
 * a transaction commits as a whole (or not at all, if its function throws) and
 * watchers see its changes after the commit, in commit order. A replicated log
 * can sit under `commit` later (Raft replaces the snapshot file).
 *
 * Objects are immutable: a writer puts a new object, never edits one it read.
 */
export interface ReadTx {
  node(id: string): Node__Output | undefined;
  nodes(): Node__Output[];
  task(id: string): Task__Output | undefined;
  tasks(): Task__Output[];
  cluster(): ClusterObject | undefined;
}

export interface WriteTx extends ReadTx {
  /** Create or replace; the store stamps meta (version index, created/updated time). */
  putNode(node: Node__Output): Node__Output;
  deleteNode(id: string): void;
  putTask(task: Task__Output): Task__Output;
  putCluster(cluster: ClusterObject): ClusterObject;
}

export type StoreEvent =
  | { kind: "node"; action: "create" | "update" | "delete"; node: Node__Output }
  | { kind: "task"; action: "create" | "update"; task: Task__Output }
  | { kind: "cluster"; action: "create" | "update"; cluster: ClusterObject };

/** Everything the store holds, as persisted. */
export interface StoreSnapshot {
  /** The last version index handed out. */
  version: number;
  nodes: Node__Output[];
  tasks: Task__Output[];
  cluster: ClusterObject | null;
}

export interface Store {
  view<T>(fn: (tx: ReadTx) => T): T;
  /** Runs fn as one transaction; returns its result once committed. */
  update<T>(fn: (tx: WriteTx) => T): T;
  /** Called with each committed change, in commit order; returns the unsubscribe function. */
  watch(fn: (e: StoreEvent) => void): () => void;
  snapshot(): StoreSnapshot;
}

/** Where committed snapshots go (a file now, a replicated log later). Must be durable on return. */
export type CommitSink = (snapshot: StoreSnapshot) => void;

function timestamp(now: Date) {
  const ms = now.getTime();
  return { seconds: String(Math.floor(ms / 1000)), nanos: (ms % 1000) * 1_000_000 };
}

class Staged implements WriteTx {
  readonly nodesById: Map<string, Node__Output>;
  readonly tasksById: Map<string, Task__Output>;
  clusterObj: ClusterObject | null;
  version: number;
  readonly events: StoreEvent[] = [];
  constructor(
    base: StoreSnapshot,
    private readonly now: () => Date,
  ) {
    this.nodesById = new Map(base.nodes.map((n) => [n.id, n]));
    this.tasksById = new Map(base.tasks.map((t) => [t.id, t]));
    this.clusterObj = base.cluster;
    this.version = base.version;
  }
  node(id: string) {
    return this.nodesById.get(id);
  }
  nodes() {
    return [...this.nodesById.values()];
  }
  task(id: string) {
    return this.tasksById.get(id);
  }
  tasks() {
    return [...this.tasksById.values()];
  }
  cluster() {
    return this.clusterObj ?? undefined;
  }
  private meta(existing: { meta: Node__Output["meta"] } | undefined) {
    const ts = timestamp(this.now());
    return {
      version: { index: String(++this.version) },
      created_at: existing?.meta?.created_at ?? ts,
      updated_at: ts,
    };
  }
  putNode(node: Node__Output): Node__Output {
    const existing = this.nodesById.get(node.id);
    const stored: Node__Output = { ...node, meta: this.meta(existing) };
    this.nodesById.set(node.id, stored);
    this.events.push({ kind: "node", action: existing ? "update" : "create", node: stored });
    return stored;
  }
  deleteNode(id: string): void {
    const existing = this.nodesById.get(id);
    if (!existing) return;
    this.nodesById.delete(id);
    this.events.push({ kind: "node", action: "delete", node: existing });
  }
  putTask(task: Task__Output): Task__Output {
    const existing = this.tasksById.get(task.id);
    const stored: Task__Output = { ...task, meta: this.meta(existing) };
    this.tasksById.set(task.id, stored);
    this.events.push({ kind: "task", action: existing ? "update" : "create", task: stored });
    return stored;
  }
  putCluster(cluster: ClusterObject): ClusterObject {
    const existing = this.clusterObj;
    const now = this.now().toISOString();
    const stored: ClusterObject = {
      ...cluster,
      version: ++this.version,
      createdAt: existing?.createdAt ?? cluster.createdAt ?? now,
      updatedAt: now,
    };
    this.clusterObj = stored;
    this.events.push({ kind: "cluster", action: existing ? "update" : "create", cluster: stored });
    return stored;
  }
  toSnapshot(): StoreSnapshot {
    return { version: this.version, nodes: this.nodes(), tasks: this.tasks(), cluster: this.clusterObj };
  }
}

export interface MemoryStoreOptions {
  initial?: StoreSnapshot;
  /** Made durable before a transaction counts as committed (e.g. the snapshot file). */
  commit?: CommitSink;
  now?: () => Date;
}

export const emptySnapshot = (): StoreSnapshot => ({ version: 0, nodes: [], tasks: [], cluster: null });

/** The in-memory store; with `commit`, each transaction is persisted before it is visible. */
export function createMemoryStore(opts: MemoryStoreOptions = {}): Store {
  let state: StoreSnapshot = opts.initial ?? emptySnapshot();
  const now = opts.now ?? (() => new Date());
  const watchers = new Set<(e: StoreEvent) => void>();
  const pending: StoreEvent[] = [];
  let delivering = false;
  let inTx = false;

  function deliver(): void {
    if (delivering) return;
    delivering = true;
    try {
      for (let e = pending.shift(); e; e = pending.shift()) {
        for (const w of [...watchers]) w(e);
      }
    } finally {
      delivering = false;
    }
  }

  const readTx = (): ReadTx => new Staged(state, now);

  return {
    view: (fn) => fn(readTx()),
    update(fn) {
      if (inTx) throw new Error("store: nested transaction");
      inTx = true;
      let result: ReturnType<typeof fn>;
      let staged: Staged;
      try {
        staged = new Staged(state, now);
        result = fn(staged);
        if (staged.events.length > 0) {
          const next = staged.toSnapshot();
          opts.commit?.(next);
          state = next;
        }
      } finally {
        inTx = false;
      }
      pending.push(...staged.events);
      deliver();
      return result;
    },
    watch(fn) {
      watchers.add(fn);
      return () => watchers.delete(fn);
    },
    snapshot: () => state,
  };
}
