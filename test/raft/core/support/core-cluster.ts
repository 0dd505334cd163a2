import { decodeConfChange } from "../../../../src/raft/codec.ts";
import { type CoreConfig, MemoryStorage, RaftCore } from "../../../../src/raft/core/index.ts";
import type { Entry, Message, RaftId, Ready } from "../../../../src/raft/types.ts";

/**
 * A synchronous, fully controlled cluster of cores for the unit tests: a shell
 * that persists each Ready into a MemoryStorage, queues its messages, applies
 * committed entries (confChanges included), and a network whose links can be
 * cut. Nothing runs unless the test says so.
 */
export interface Node {
  readonly id: RaftId;
  storage: MemoryStorage;
  core: RaftCore;
  applied: Entry[];
  readies: Ready[];
}

export type Cfg = Partial<Omit<CoreConfig, "id" | "storage">>;

export const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
export const dec = (b: Uint8Array): string => new TextDecoder().decode(b);

export class Cluster {
  readonly nodes = new Map<RaftId, Node>();
  queue: Message[] = [];
  /** Every message sent, in order (for assertions on what went on the wire). */
  readonly sent: Message[] = [];
  private readonly cut = new Set<string>();
  /** Messages for which drop() returns true are lost. */
  drop: (m: Message) => boolean = () => false;

  constructor(
    ids: RaftId[],
    private readonly cfg: Cfg = {},
    private readonly perNode: Record<RaftId, Cfg> = {},
  ) {
    for (const id of ids) {
      const storage = new MemoryStorage();
      RaftCore.bootstrap(storage, ids);
      this.add(id, storage);
    }
  }

  config(id: RaftId, storage: MemoryStorage, applied = 0): CoreConfig {
    return {
      id,
      electionTick: 10,
      heartbeatTick: 1,
      preVote: true,
      checkQuorum: true,
      maxSizePerMsg: 1024 * 1024,
      maxInflightMsgs: 256,
      random: () => 0,
      ...this.cfg,
      ...this.perNode[id],
      storage,
      applied,
    };
  }

  /** Starts a node on storage (a joiner: empty storage). */
  add(id: RaftId, storage = new MemoryStorage(), cfg: Cfg = {}): Node {
    const node: Node = {
      id,
      storage,
      core: new RaftCore({ ...this.config(id, storage), ...cfg }),
      applied: [],
      readies: [],
    };
    this.nodes.set(id, node);
    this.flush(node);
    return node;
  }

  /** Replaces a node's core, keeping only what it persisted (a crash and restart). */
  restart(id: RaftId): Node {
    const n = this.node(id);
    const snap = n.storage.snapshot().metadata.index;
    n.core = new RaftCore(this.config(id, n.storage, snap));
    n.applied = [];
    this.flush(n);
    return n;
  }

  node(id: RaftId): Node {
    const n = this.nodes.get(id);
    if (!n) throw new Error(`no node ${id}`);
    return n;
  }

  core(id: RaftId): RaftCore {
    return this.node(id).core;
  }

  /** Handles every pending Ready of a node the way the shell must: persist, send, apply, advance. */
  flush(n: Node): void {
    while (n.core.hasReady()) {
      const rd = n.core.ready();
      n.readies.push(rd);
      if (rd.snapshot) n.storage.applySnapshot(rd.snapshot);
      n.storage.append(rd.entries);
      if (rd.hardState) n.storage.setHardState(rd.hardState);
      for (const m of rd.messages) {
        this.sent.push(m);
        this.queue.push(m);
      }
      for (const e of rd.committedEntries) {
        n.applied.push(e);
        if (e.type === "confChange") n.core.applyConfChange(decodeConfChange(e.data));
      }
      n.core.advance(rd);
    }
  }

  flushAll(): void {
    for (const n of this.nodes.values()) this.flush(n);
  }

  isolate(id: RaftId): void {
    for (const other of this.nodes.keys()) {
      if (other === id) continue;
      this.cut.add(`${id}>${other}`);
      this.cut.add(`${other}>${id}`);
    }
  }

  heal(): void {
    this.cut.clear();
  }

  /** Delivers queued messages (and whatever they cause) until none are left; returns how many were delivered. */
  deliverAll(max = 100_000): number {
    let n = 0;
    while (this.queue.length > 0) {
      if (++n > max) throw new Error("messages never stop");
      const m = this.queue.shift()!;
      if (this.cut.has(`${m.from}>${m.to}`) || this.drop(m)) continue;
      const to = this.nodes.get(m.to);
      if (!to) continue;
      to.core.step(m);
      this.flush(to);
    }
    return n;
  }

  tick(id: RaftId, times = 1): void {
    const n = this.node(id);
    for (let i = 0; i < times; i++) {
      n.core.tick();
      this.flush(n);
    }
  }

  /** Ticks `id` until its election timeout fires and lets the election run. */
  elect(id: RaftId): void {
    const n = this.node(id);
    for (let i = 0; i < 100 && n.core.status().role === "follower"; i++) n.core.tick();
    this.flush(n);
    this.deliverAll();
  }

  propose(id: RaftId, data: string): void {
    const n = this.node(id);
    n.core.propose(enc(data));
    this.flush(n);
    this.deliverAll();
  }

  appliedData(id: RaftId): string[] {
    return this.node(id)
      .applied.filter((e) => e.type === "normal" && e.data.byteLength > 0)
      .map((e) => dec(e.data));
  }

  roles(): Record<RaftId, string> {
    const out: Record<RaftId, string> = {};
    for (const [id, n] of this.nodes) out[id] = n.core.status().role;
    return out;
  }
}
