import type { Node__Output } from "../gen/docker/swarmkit/v1/Node.ts";
import type { Service__Output } from "../gen/docker/swarmkit/v1/Service.ts";
import type { Task__Output } from "../gen/docker/swarmkit/v1/Task.ts";
import { ErrLostLeadership, raftError } from "../raft/node/errors.ts";
import type { ClusterObject } from "./cluster-object.ts";
import {
  decodeStoreEntry,
  decodeStoreSnapshot,
  encodeStoreEntry,
  encodeStoreSnapshot,
  type StoreOp,
  type StoreSnapshot,
} from "./store-codec.ts";

export type { StoreSnapshot } from "./store-codec.ts";

/**
 * The manager's object store (SK: manager/state/store on raft): nodes, tasks
 * and the cluster object, changed only by applying committed log entries.
 *
 * - `update(fn)` runs on the leader: `fn` sees a staged view, its changes become
 *   one entry (an ordered list of put/delete operations), the entry is proposed
 *   to the log and the promise resolves once the entry is applied here. Writes
 *   are serialized (SwarmKit holds its update lock across the proposal), so the
 *   version checks made inside `fn` hold. A non-leader rejects with
 *   ErrLostLeadership's text.
 * - `apply(entry)` runs on every manager, in log order; watchers fire there, so
 *   every manager sees changes in commit order.
 * - `view(fn)` reads the live state directly: O(1), no copy.
 *
 * Objects are immutable: a writer puts a new object, never edits one it read.
 */
export interface ReadTx {
  node(id: string): Node__Output | undefined;
  nodes(): Node__Output[];
  task(id: string): Task__Output | undefined;
  tasks(): Task__Output[];
  /** The tasks of one service (an index: no scan of every task). */
  tasksOfService(serviceId: string): Task__Output[];
  /** The tasks assigned to one node (an index). */
  tasksOfNode(nodeId: string): Task__Output[];
  service(id: string): Service__Output | undefined;
  services(): Service__Output[];
  cluster(): ClusterObject | undefined;
}

export interface WriteTx extends ReadTx {
  /** Create or replace; the store stamps meta (version index, created/updated time). */
  putNode(node: Node__Output): Node__Output;
  deleteNode(id: string): void;
  putTask(task: Task__Output): Task__Output;
  deleteTask(id: string): void;
  putService(service: Service__Output): Service__Output;
  deleteService(id: string): void;
  putCluster(cluster: ClusterObject): ClusterObject;
}

export type StoreEvent =
  | { kind: "node"; action: "create" | "update" | "delete"; node: Node__Output }
  | { kind: "task"; action: "create" | "update" | "delete"; task: Task__Output }
  | { kind: "service"; action: "create" | "update" | "delete"; service: Service__Output }
  | { kind: "cluster"; action: "create" | "update"; cluster: ClusterObject };

export interface Store {
  /** Reads the live state (no copy); `fn` must not keep the transaction. */
  view<T>(fn: (tx: ReadTx) => T): T;
  /** Runs fn as one transaction on the leader; resolves with its result once the entry is applied here. */
  update<T>(fn: (tx: WriteTx) => T): Promise<T>;
  /** Called with each applied change, in commit order; returns the unsubscribe function. */
  watch(fn: (e: StoreEvent) => void): () => void;
  /** The whole state (a copy of the maps, objects shared). */
  snapshot(): StoreSnapshot;
}

/** Where the store's entries go: Raft (RaftNode.propose), or the local twin. */
export interface StoreLog {
  /** Resolves once the entry was applied locally (the log calls `ReplicatedStore.apply`). */
  propose(data: Uint8Array): Promise<unknown>;
  /** Whether this member may write now (leads, and applied its term's first entry). */
  isLeader(): boolean;
}

function timestamp(now: Date) {
  const ms = now.getTime();
  return { seconds: String(Math.floor(ms / 1000)), nanos: (ms % 1000) * 1_000_000 };
}

/** Ids grouped by a key, for the task indexes. */
class Index {
  private readonly byKey = new Map<string, Set<string>>();
  add(key: string, id: string): void {
    if (key === "") return;
    let ids = this.byKey.get(key);
    if (!ids) {
      ids = new Set();
      this.byKey.set(key, ids);
    }
    ids.add(id);
  }
  remove(key: string, id: string): void {
    const ids = this.byKey.get(key);
    if (!ids) return;
    ids.delete(id);
    if (ids.size === 0) this.byKey.delete(key);
  }
  ids(key: string): ReadonlySet<string> {
    return this.byKey.get(key) ?? new Set();
  }
  clear(): void {
    this.byKey.clear();
  }
}

interface State {
  readonly nodes: Map<string, Node__Output>;
  readonly tasks: Map<string, Task__Output>;
  readonly services: Map<string, Service__Output>;
  readonly tasksByService: Index;
  readonly tasksByNode: Index;
  cluster: ClusterObject | null;
  version: number;
}

function indexTask(s: State, t: Task__Output): void {
  s.tasksByService.add(t.service_id, t.id);
  s.tasksByNode.add(t.node_id, t.id);
}

function unindexTask(s: State, t: Task__Output): void {
  s.tasksByService.remove(t.service_id, t.id);
  s.tasksByNode.remove(t.node_id, t.id);
}

function tasksOf(s: State, index: Index, key: string): Task__Output[] {
  const out: Task__Output[] = [];
  for (const id of index.ids(key)) {
    const t = s.tasks.get(id);
    if (t) out.push(t);
  }
  return out;
}

/** The live state as a ReadTx. */
class LiveView implements ReadTx {
  constructor(private readonly s: State) {}
  tasksOfService(serviceId: string) {
    return tasksOf(this.s, this.s.tasksByService, serviceId);
  }
  tasksOfNode(nodeId: string) {
    return tasksOf(this.s, this.s.tasksByNode, nodeId);
  }
  service(id: string) {
    return this.s.services.get(id);
  }
  services() {
    return [...this.s.services.values()];
  }
  node(id: string) {
    return this.s.nodes.get(id);
  }
  nodes() {
    return [...this.s.nodes.values()];
  }
  task(id: string) {
    return this.s.tasks.get(id);
  }
  tasks() {
    return [...this.s.tasks.values()];
  }
  cluster() {
    return this.s.cluster ?? undefined;
  }
}

/** A transaction's changes over the live state (copy on write: only what it touches). */
class Staged implements WriteTx {
  private readonly nodeOverlay = new Map<string, Node__Output | null>();
  private readonly taskOverlay = new Map<string, Task__Output | null>();
  private readonly serviceOverlay = new Map<string, Service__Output | null>();
  private clusterOverlay: ClusterObject | undefined;
  readonly ops: StoreOp[] = [];
  version: number;

  constructor(
    private readonly base: State,
    private readonly now: () => Date,
  ) {
    this.version = base.version;
  }
  node(id: string) {
    if (this.nodeOverlay.has(id)) return this.nodeOverlay.get(id) ?? undefined;
    return this.base.nodes.get(id);
  }
  nodes() {
    const out: Node__Output[] = [];
    for (const [id, n] of this.base.nodes) if (!this.nodeOverlay.has(id)) out.push(n);
    for (const n of this.nodeOverlay.values()) if (n) out.push(n);
    return out;
  }
  task(id: string) {
    if (this.taskOverlay.has(id)) return this.taskOverlay.get(id) ?? undefined;
    return this.base.tasks.get(id);
  }
  tasks() {
    const out: Task__Output[] = [];
    for (const [id, t] of this.base.tasks) if (!this.taskOverlay.has(id)) out.push(t);
    for (const t of this.taskOverlay.values()) if (t) out.push(t);
    return out;
  }
  private tasksWhere(index: Index, key: string, field: (t: Task__Output) => string): Task__Output[] {
    const out: Task__Output[] = [];
    for (const id of index.ids(key)) {
      if (this.taskOverlay.has(id)) continue;
      const t = this.base.tasks.get(id);
      if (t) out.push(t);
    }
    for (const t of this.taskOverlay.values()) if (t && field(t) === key) out.push(t);
    return out;
  }
  tasksOfService(serviceId: string) {
    return this.tasksWhere(this.base.tasksByService, serviceId, (t) => t.service_id);
  }
  tasksOfNode(nodeId: string) {
    return this.tasksWhere(this.base.tasksByNode, nodeId, (t) => t.node_id);
  }
  service(id: string) {
    if (this.serviceOverlay.has(id)) return this.serviceOverlay.get(id) ?? undefined;
    return this.base.services.get(id);
  }
  services() {
    const out: Service__Output[] = [];
    for (const [id, v] of this.base.services) if (!this.serviceOverlay.has(id)) out.push(v);
    for (const v of this.serviceOverlay.values()) if (v) out.push(v);
    return out;
  }
  cluster() {
    return this.clusterOverlay ?? this.base.cluster ?? undefined;
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
    const stored: Node__Output = { ...node, meta: this.meta(this.node(node.id)) };
    this.nodeOverlay.set(node.id, stored);
    this.ops.push({ op: "putNode", node: stored });
    return stored;
  }
  deleteNode(id: string): void {
    if (!this.node(id)) return;
    this.nodeOverlay.set(id, null);
    this.ops.push({ op: "deleteNode", id });
  }
  putTask(task: Task__Output): Task__Output {
    const stored: Task__Output = { ...task, meta: this.meta(this.task(task.id)) };
    this.taskOverlay.set(task.id, stored);
    this.ops.push({ op: "putTask", task: stored });
    return stored;
  }
  deleteTask(id: string): void {
    if (!this.task(id)) return;
    this.taskOverlay.set(id, null);
    this.ops.push({ op: "deleteTask", id });
  }
  putService(service: Service__Output): Service__Output {
    const stored: Service__Output = { ...service, meta: this.meta(this.service(service.id)) };
    this.serviceOverlay.set(service.id, stored);
    this.ops.push({ op: "putService", service: stored });
    return stored;
  }
  deleteService(id: string): void {
    if (!this.service(id)) return;
    this.serviceOverlay.set(id, null);
    this.ops.push({ op: "deleteService", id });
  }
  putCluster(cluster: ClusterObject): ClusterObject {
    const existing = this.cluster();
    const now = this.now().toISOString();
    const stored: ClusterObject = {
      ...cluster,
      version: ++this.version,
      createdAt: existing?.createdAt ?? cluster.createdAt ?? now,
      updatedAt: now,
    };
    this.clusterOverlay = stored;
    this.ops.push({ op: "putCluster", cluster: stored });
    return stored;
  }
}

export interface ReplicatedStoreOptions {
  /** The log entries go through; set later with `attach` when the log needs the store first (Raft). */
  log?: StoreLog;
  initial?: StoreSnapshot;
  now?: () => Date;
}

export const emptySnapshot = (): StoreSnapshot => ({ version: 0, nodes: [], tasks: [], services: [], cluster: null });

const notAttached: StoreLog = {
  propose: () => Promise.reject(raftError(ErrLostLeadership)),
  isLeader: () => false,
};

export class ReplicatedStore implements Store {
  private readonly state: State = {
    nodes: new Map(),
    tasks: new Map(),
    services: new Map(),
    tasksByService: new Index(),
    tasksByNode: new Index(),
    cluster: null,
    version: 0,
  };
  private readonly live = new LiveView(this.state);
  private readonly watchers = new Set<(e: StoreEvent) => void>();
  private readonly restoreWatchers = new Set<() => void>();
  private readonly pending: StoreEvent[] = [];
  private delivering = false;
  private queue: Promise<unknown> = Promise.resolve();
  private log: StoreLog;
  private readonly now: () => Date;

  constructor(opts: ReplicatedStoreOptions = {}) {
    this.log = opts.log ?? notAttached;
    this.now = opts.now ?? (() => new Date());
    if (opts.initial) this.load(opts.initial);
  }

  attach(log: StoreLog): void {
    this.log = log;
  }

  view<T>(fn: (tx: ReadTx) => T): T {
    return fn(this.live);
  }

  update<T>(fn: (tx: WriteTx) => T): Promise<T> {
    const run = async (): Promise<T> => {
      if (!this.log.isLeader()) throw raftError(ErrLostLeadership);
      const staged = new Staged(this.state, this.now);
      const result = fn(staged);
      if (staged.ops.length > 0) {
        await this.log.propose(encodeStoreEntry({ version: staged.version, ops: staged.ops }));
      }
      return result;
    };
    const p = this.queue.then(run, run);
    this.queue = p.catch(() => {});
    return p;
  }

  watch(fn: (e: StoreEvent) => void): () => void {
    this.watchers.add(fn);
    return () => this.watchers.delete(fn);
  }

  snapshot(): StoreSnapshot {
    const s = this.state;
    return {
      version: s.version,
      nodes: [...s.nodes.values()],
      tasks: [...s.tasks.values()],
      services: [...s.services.values()],
      cluster: s.cluster,
    };
  }

  /** Applies one committed entry (every manager, in log order); watchers see its changes. Throws on bad bytes. */
  apply(data: Uint8Array): void {
    const entry = decodeStoreEntry(data);
    const s = this.state;
    for (const op of entry.ops) {
      switch (op.op) {
        case "putNode": {
          const existing = s.nodes.has(op.node.id);
          s.nodes.set(op.node.id, op.node);
          this.pending.push({ kind: "node", action: existing ? "update" : "create", node: op.node });
          break;
        }
        case "deleteNode": {
          const existing = s.nodes.get(op.id);
          if (!existing) break;
          s.nodes.delete(op.id);
          this.pending.push({ kind: "node", action: "delete", node: existing });
          break;
        }
        case "putTask": {
          const existing = s.tasks.get(op.task.id);
          if (existing) unindexTask(s, existing);
          s.tasks.set(op.task.id, op.task);
          indexTask(s, op.task);
          this.pending.push({ kind: "task", action: existing ? "update" : "create", task: op.task });
          break;
        }
        case "deleteTask": {
          const existing = s.tasks.get(op.id);
          if (!existing) break;
          unindexTask(s, existing);
          s.tasks.delete(op.id);
          this.pending.push({ kind: "task", action: "delete", task: existing });
          break;
        }
        case "putService": {
          const existing = s.services.has(op.service.id);
          s.services.set(op.service.id, op.service);
          this.pending.push({ kind: "service", action: existing ? "update" : "create", service: op.service });
          break;
        }
        case "deleteService": {
          const existing = s.services.get(op.id);
          if (!existing) break;
          s.services.delete(op.id);
          this.pending.push({ kind: "service", action: "delete", service: existing });
          break;
        }
        case "putCluster": {
          const existing = s.cluster !== null;
          s.cluster = op.cluster;
          this.pending.push({ kind: "cluster", action: existing ? "update" : "create", cluster: op.cluster });
          break;
        }
      }
    }
    s.version = Math.max(s.version, entry.version);
    this.deliver();
  }

  /** The whole store as bytes (a Raft snapshot's owner data). */
  snapshotData(): Uint8Array {
    return encodeStoreSnapshot(this.snapshot());
  }

  /** Replaces the whole state with a snapshot's (restart, or MsgSnap from the leader); no store events. */
  restore(data: Uint8Array): void {
    this.load(decodeStoreSnapshot(data));
    for (const fn of [...this.restoreWatchers]) fn();
  }

  /** Calls `fn` after each restore (which sends no store events); returns the unwatch. */
  onRestore(fn: () => void): () => void {
    this.restoreWatchers.add(fn);
    return () => this.restoreWatchers.delete(fn);
  }

  private load(snap: StoreSnapshot): void {
    const s = this.state;
    s.nodes.clear();
    s.tasks.clear();
    s.services.clear();
    s.tasksByService.clear();
    s.tasksByNode.clear();
    for (const n of snap.nodes) s.nodes.set(n.id, n);
    for (const t of snap.tasks) {
      s.tasks.set(t.id, t);
      indexTask(s, t);
    }
    for (const v of snap.services) s.services.set(v.id, v);
    s.cluster = snap.cluster;
    s.version = snap.version;
  }

  private deliver(): void {
    if (this.delivering) return;
    this.delivering = true;
    try {
      for (let e = this.pending.shift(); e; e = this.pending.shift()) {
        for (const w of [...this.watchers]) w(e);
      }
    } finally {
      this.delivering = false;
    }
  }
}

/** The log of the in-memory twin: always the leader; an entry is applied as it is proposed. */
export function localLog(store: ReplicatedStore): StoreLog {
  return {
    isLeader: () => true,
    propose: async (data) => {
      store.apply(data);
    },
  };
}

export interface MemoryStoreOptions {
  initial?: StoreSnapshot;
  now?: () => Date;
}

/** The in-memory twin for unit tests: a ReplicatedStore over a local fake log. */
export function createMemoryStore(opts: MemoryStoreOptions = {}): ReplicatedStore {
  const store = new ReplicatedStore(opts);
  store.attach(localLog(store));
  return store;
}
