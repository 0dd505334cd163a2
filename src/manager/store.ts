import type { Node__Output } from "../gen/docker/swarmkit/v1/Node.ts";
import type { Service__Output } from "../gen/docker/swarmkit/v1/Service.ts";
import type { Task__Output } from "../gen/docker/swarmkit/v1/Task.ts";
import { ErrLostLeadership, raftError } from "../raft/node/errors.ts";
import { rpcError } from "../rpc/status.ts";
import type { ClusterObject } from "./cluster-object.ts";
import {
  decodeStoreEntry,
  decodeStoreSnapshot,
  encodeStoreEntry,
  encodeStoreSnapshot,
  type StoreEntry,
  type StoreOp,
  type StoreSnapshot,
} from "./store-codec.ts";
import { Index, type InFlight, InFlightOverlay } from "./store-in-flight.ts";
import { patchedTask } from "./store-task-patch.ts";

export type { StoreSnapshot } from "./store-codec.ts";

/**
 * The manager's object store (SK: manager/state/store on raft): nodes, tasks
 * and the cluster object, changed only by applying committed log entries.
 *
 * - `update(fn)` runs on the leader: `fn` sees a staged view, its changes become
 *   one entry (an ordered list of put/delete operations), the entry is proposed
 *   to the log and the promise resolves once the entry is applied here. Writes
 *   are pipelined: `fn` runs on the applied state plus every transaction this
 *   leader proposed and that is not applied yet, so several entries share one
 *   WAL write and fsync round (SwarmKit holds its update lock across the
 *   proposal: one entry per round trip). Each entry names the version it was
 *   staged on and is applied only where the store is at exactly that version:
 *   if one is lost or refused, those staged on it are skipped on every member
 *   alike and their callers get Aborted, so nothing is ever applied on top of
 *   a change that never committed. A non-leader rejects with ErrLostLeadership's
 *   text.
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
  /**
   * Reads the state the next transaction would be staged on: the applied state plus this leader's
   * proposed, not yet applied transactions (none on a follower). What it shows may still not commit;
   * a decision made on it and written with `update` is staged on the same transactions, so it is
   * applied only if they are. A control loop can plan on its own writes without waiting a commit round.
   */
  viewStaged<T>(fn: (tx: ReadTx) => T): T;
  /** Runs fn as one transaction on the leader; resolves with its result once the entry is applied here. */
  update<T>(fn: (tx: WriteTx) => T): Promise<T>;
  /** Called with each applied change, in commit order; returns the unsubscribe function. */
  watch(fn: (e: StoreEvent) => void): () => void;
  /**
   * Called with each task a transaction of this leader writes, as the transaction is proposed (it
   * may never commit; `watch` tells what did). For a loop that plans through `viewStaged`: it need
   * not wait for the commit to start. Returns the unsubscribe function.
   */
  watchInFlightTasks(fn: (t: Task__Output) => void): () => void;
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

function reindexTask(s: State, prev: Task__Output, t: Task__Output): void {
  s.tasksByService.move(prev.service_id, t.service_id, t.id);
  s.tasksByNode.move(prev.node_id, t.node_id, t.id);
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
/** Reads one object through the in-flight overlay onto the applied state. */
function under<T>(inFlight: Map<string, { value: T | null }>, applied: Map<string, T>, id: string): T | undefined {
  const slot = inFlight.get(id);
  return slot ? (slot.value ?? undefined) : applied.get(id);
}

/** Every object: the transaction's own, then the in-flight ones, then the applied ones, each id once. */
function allOf<T>(
  own: Map<string, T | null>,
  inFlight: Map<string, { value: T | null }>,
  applied: Map<string, T>,
): T[] {
  const out: T[] = [];
  for (const [id, v] of applied) if (!own.has(id) && !inFlight.has(id)) out.push(v);
  for (const [id, slot] of inFlight) if (slot.value && !own.has(id)) out.push(slot.value);
  for (const v of own.values()) if (v) out.push(v);
  return out;
}

/**
 * A transaction's changes (copy on write: only what it touches) over the
 * transactions proposed before it and not applied yet, over the applied state.
 */
class Staged implements WriteTx {
  private readonly nodeOverlay = new Map<string, Node__Output | null>();
  private readonly taskOverlay = new Map<string, Task__Output | null>();
  private readonly serviceOverlay = new Map<string, Service__Output | null>();
  private clusterOverlay: ClusterObject | undefined;
  readonly ops: StoreOp[] = [];
  version: number;

  constructor(
    private readonly base: State,
    private readonly inFlight: InFlightOverlay,
    startVersion: number,
    private readonly now: () => Date,
  ) {
    this.version = startVersion;
  }
  node(id: string) {
    if (this.nodeOverlay.has(id)) return this.nodeOverlay.get(id) ?? undefined;
    return under(this.inFlight.nodes, this.base.nodes, id);
  }
  nodes() {
    return allOf(this.nodeOverlay, this.inFlight.nodes, this.base.nodes);
  }
  task(id: string) {
    if (this.taskOverlay.has(id)) return this.taskOverlay.get(id) ?? undefined;
    return under(this.inFlight.tasks, this.base.tasks, id);
  }
  tasks() {
    return allOf(this.taskOverlay, this.inFlight.tasks, this.base.tasks);
  }
  private tasksWhere(applied: Index, inFlight: Index, key: string, field: (t: Task__Output) => string): Task__Output[] {
    const out: Task__Output[] = [];
    for (const id of applied.ids(key)) {
      if (this.taskOverlay.has(id) || this.inFlight.tasks.has(id)) continue;
      const t = this.base.tasks.get(id);
      if (t) out.push(t);
    }
    for (const id of inFlight.ids(key)) {
      if (this.taskOverlay.has(id)) continue;
      const t = this.inFlight.tasks.get(id)?.value;
      if (t) out.push(t);
    }
    for (const t of this.taskOverlay.values()) if (t && field(t) === key) out.push(t);
    return out;
  }
  tasksOfService(serviceId: string) {
    return this.tasksWhere(this.base.tasksByService, this.inFlight.tasksByService, serviceId, (t) => t.service_id);
  }
  tasksOfNode(nodeId: string) {
    return this.tasksWhere(this.base.tasksByNode, this.inFlight.tasksByNode, nodeId, (t) => t.node_id);
  }
  service(id: string) {
    if (this.serviceOverlay.has(id)) return this.serviceOverlay.get(id) ?? undefined;
    return under(this.inFlight.services, this.base.services, id);
  }
  services() {
    return allOf(this.serviceOverlay, this.inFlight.services, this.base.services);
  }
  cluster() {
    return this.clusterOverlay ?? this.inFlight.cluster?.value ?? this.base.cluster ?? undefined;
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
    const prev = this.task(task.id);
    const stored: Task__Output = { ...task, meta: this.meta(prev) };
    this.taskOverlay.set(task.id, stored);
    this.ops.push(prev ? { op: "putTask", task: stored, prev } : { op: "putTask", task: stored });
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

/**
 * Transactions proposed and not applied at most (then `update` waits): bounds
 * what a lost leadership throws away, and what each staging reads through.
 */
export const MAX_IN_FLIGHT = 64;

/** The answer to a transaction staged on one that did not commit (its entry was skipped). */
export const ABORTED_MESSAGE = "store: transaction aborted: it was staged on a change that did not commit";
const abortedError = () => rpcError("Aborted", ABORTED_MESSAGE);

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a === b) return true;
  return a.length === b.length && Buffer.from(a.buffer, a.byteOffset, a.length).equals(b);
}

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
  /** Replaced, never changed in place: a delivery goes on with the watchers it started with. */
  private watchers: readonly ((e: StoreEvent) => void)[] = [];
  private readonly inFlightWatchers = new Set<(t: Task__Output) => void>();
  private readonly restoreWatchers = new Set<() => void>();
  private readonly pending: StoreEvent[] = [];
  private delivering = false;
  /** Transactions waiting to be staged (at most MAX_IN_FLIGHT are proposed and not applied). */
  private readonly queued: (() => void)[] = [];
  private pumpQueued = false;
  /** This leader's proposed transactions not applied yet, oldest first: each staged on the one before. */
  private readonly inFlight: InFlight[] = [];
  private readonly overlay = new InFlightOverlay();
  /** The highest version handed out here: never again, even when what carried it was lost. */
  private stamp = 0;
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

  viewStaged<T>(fn: (tx: ReadTx) => T): T {
    // A transaction with no writes of its own over the in-flight ones: it is never proposed.
    return fn(new Staged(this.state, this.overlay, this.stamp, this.now));
  }

  update<T>(fn: (tx: WriteTx) => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queued.push(() => this.stage(fn, resolve, reject));
      // Staged after the caller's turn, as when each update waited on the one before.
      if (this.pumpQueued) return;
      this.pumpQueued = true;
      queueMicrotask(() => {
        this.pumpQueued = false;
        this.pump();
      });
    });
  }

  /** How many of this leader's transactions are proposed and not applied here (tests, metrics). */
  get inFlightCount(): number {
    return this.inFlight.length;
  }

  private pump(): void {
    while (this.inFlight.length < MAX_IN_FLIGHT) {
      const next = this.queued.shift();
      if (!next) return;
      next();
    }
  }

  /** Runs `fn` on top of the in-flight transactions and proposes its entry at once (log order = staging order). */
  private stage<T>(fn: (tx: WriteTx) => T, resolve: (v: T) => void, reject: (e: unknown) => void): void {
    if (!this.log.isLeader()) {
      reject(raftError(ErrLostLeadership));
      return;
    }
    const top = this.inFlight.at(-1);
    const base = top ? top.version : this.state.version;
    const start = Math.max(this.stamp, base);
    const staged = new Staged(this.state, this.overlay, start, this.now);
    let result: T;
    let bytes: Uint8Array;
    // Every entry ends past its base, so that the version names the state after it alone.
    const version = () => (staged.version > start ? staged.version : start + 1);
    try {
      result = fn(staged);
      if (staged.ops.length === 0) {
        // It read what the in-flight transactions wrote: answered once they committed.
        if (top) top.followers.push((ok) => (ok ? resolve(result) : reject(abortedError())));
        else resolve(result);
        return;
      }
      bytes = encodeStoreEntry({ version: version(), base, ops: staged.ops });
    } catch (e) {
      // The refusal may rest on what the in-flight transactions wrote: given once they settled.
      if (top) top.followers.push(() => reject(e));
      else reject(e);
      return;
    }
    const rec: InFlight = { bytes, base, version: version(), ops: staged.ops, followers: [] };
    this.stamp = rec.version;
    this.inFlight.push(rec);
    this.overlay.add(rec);
    let proposed: Promise<unknown>;
    try {
      proposed = this.log.propose(bytes);
    } catch (e) {
      proposed = Promise.reject(e);
    }
    proposed.then(
      () => this.settle(rec, rec.applied === true ? undefined : abortedError(), () => resolve(result), reject),
      (e: unknown) => this.settle(rec, e, () => resolve(result), reject),
    );
    if (this.inFlightWatchers.size > 0) this.tellInFlight(staged);
  }

  private tellInFlight(staged: Staged): void {
    const watchers = [...this.inFlightWatchers];
    for (const op of staged.ops) if (op.op === "putTask") for (const w of watchers) w(op.task);
  }

  /** A proposal settled: its caller and followers are answered; one that did not commit takes down those staged on it. */
  private settle(rec: InFlight, err: unknown, resolve: () => void, reject: (e: unknown) => void): void {
    const i = this.inFlight.indexOf(rec);
    if (i >= 0) this.abandon(i);
    for (const f of rec.followers) f(err === undefined);
    if (err === undefined) resolve();
    else reject(err);
    this.pump();
  }

  /**
   * The in-flight transactions from `i` on will not be applied as staged (one was lost or refused, or
   * the log holds something else before them): the next transaction is staged on those before `i`.
   * Their entries, if in the log, are skipped (their bases are never reached); their callers hear so
   * when their proposals settle.
   */
  private abandon(i: number): void {
    this.inFlight.splice(i);
    this.overlay.clear();
    for (const r of this.inFlight) this.overlay.add(r);
  }

  watch(fn: (e: StoreEvent) => void): () => void {
    if (!this.watchers.includes(fn)) this.watchers = [...this.watchers, fn];
    return () => {
      this.watchers = this.watchers.filter((w) => w !== fn);
    };
  }

  watchInFlightTasks(fn: (t: Task__Output) => void): () => void {
    this.inFlightWatchers.add(fn);
    return () => this.inFlightWatchers.delete(fn);
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
    const head = this.inFlight[0];
    const mine = head !== undefined && sameBytes(head.bytes, data);
    // This leader's own entry: its staged changes are what the bytes say (same bytes), so not parsed again.
    const entry: StoreEntry = mine ? { version: head.version, base: head.base, ops: head.ops } : decodeStoreEntry(data);
    const s = this.state;
    if (entry.base !== undefined && entry.base !== s.version) {
      // Staged on a transaction that never committed: skipped here as on every member. Nothing
      // changed, so what is in flight still stands, unless this was the oldest of it (then all of it goes).
      if (mine) {
        head.applied = false;
        this.abandon(0);
      }
      return;
    }
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
        case "putTask":
        case "patchTask": {
          const existing = s.tasks.get(op.op === "putTask" ? op.task.id : op.id);
          // A patch of a task this store does not hold is skipped, as on every member (same log, same state).
          const task = op.op === "putTask" ? op.task : existing && patchedTask(existing, op);
          if (!task) break;
          if (existing) reindexTask(s, existing, task);
          else indexTask(s, task);
          s.tasks.set(task.id, task);
          this.pending.push({ kind: "task", action: existing ? "update" : "create", task });
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
    this.stamp = Math.max(this.stamp, s.version);
    if (mine) {
      this.inFlight.shift();
      head.applied = true;
      this.overlay.release(head);
    } else if (this.inFlight.length > 0) {
      // Another entry came first: the in-flight ones were staged on a state this store will not be in.
      this.abandon(0);
    }
    this.deliver();
  }

  /** The whole store as bytes (a Raft snapshot's owner data). */
  snapshotData(): Uint8Array {
    return encodeStoreSnapshot(this.snapshot());
  }

  /** Replaces the whole state with a snapshot's (restart, or MsgSnap from the leader); no store events. */
  restore(data: Uint8Array): void {
    this.load(decodeStoreSnapshot(data));
    if (this.inFlight.length > 0) this.abandon(0);
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
    this.stamp = Math.max(this.stamp, snap.version);
  }

  private deliver(): void {
    if (this.delivering) return;
    this.delivering = true;
    try {
      for (let e = this.pending.shift(); e; e = this.pending.shift()) {
        for (const w of this.watchers) w(e);
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
