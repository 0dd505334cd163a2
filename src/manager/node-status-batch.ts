import type { Node__Output } from "../gen/docker/swarmkit/v1/Node.ts";
import { rpcError } from "../rpc/status.ts";
import type { Store } from "./store.ts";

/** SK dispatcher: maxBatchItems. */
export const MAX_BATCH_ITEMS = 10_000;

/**
 * SK store.MaxChangesPerTransaction: store.Batch starts a new transaction after
 * this many changes, so a batch of thousands of READY marks never becomes one
 * proposal over MaxTransactionBytes (1.5 MiB), which Raft would refuse whole.
 */
export const MAX_CHANGES_PER_TRANSACTION = 200;

interface Pending {
  readonly nodeId: string;
  readonly addr: string;
  readonly description: Node__Output["description"] | undefined;
  /** A session refresh: throws (the RpcError to answer) if its session no longer holds the node at write time. */
  readonly checkSession: (() => void) | undefined;
  resolve(): void;
  reject(e: unknown): void;
}

/**
 * The dispatcher's node status updates, batched as SwarmKit's processUpdates
 * does (maxBatchItems 10000, maxBatchInterval): the READY marks queued during
 * one interval are written as SwarmKit's store.Batch writes them, in
 * transactions (Raft entries) of at most MAX_CHANGES_PER_TRANSACTION changes,
 * and each caller waits for the commit of its own. A node missing from the
 * store at commit time fails its caller with the plain "node not found"
 * (ErrNodeNotFound); a transaction that fails fails only its own callers.
 * A refresh whose session expired meanwhile is not written (the DOWN decided
 * after it must stay the last write, as SwarmKit's one nodeUpdates map keeps
 * it) and fails with what the session check throws ("node not registered").
 */
export class NodeStatusBatch {
  private queue: Pending[] = [];
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    private readonly store: Store,
    private readonly intervalMs: number,
    private readonly maxItems = MAX_BATCH_ITEMS,
  ) {}

  markReady(
    nodeId: string,
    addr: string,
    description: Node__Output["description"] | undefined,
    checkSession?: () => void,
  ): Promise<void> {
    if (this.stopped) return Promise.reject(rpcError("Aborted", "dispatcher is stopped"));
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ nodeId, addr, description, checkSession, resolve, reject });
      if (this.queue.length >= this.maxItems) this.flush();
      else this.timer ??= setTimeout(() => this.flush(), this.intervalMs);
    });
  }

  /** Fails everything queued (the dispatcher stops). */
  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    const q = this.queue;
    this.queue = [];
    for (const p of q) p.reject(rpcError("Aborted", "dispatcher is stopped"));
  }

  private flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.queue;
    this.queue = [];
    if (batch.length === 0) return;
    for (let i = 0; i < batch.length; i += MAX_CHANGES_PER_TRANSACTION) {
      this.commit(batch.slice(i, i + MAX_CHANGES_PER_TRANSACTION));
    }
  }

  private commit(chunk: Pending[]): void {
    const failed = new Map<Pending, unknown>();
    this.store
      .update((tx) => {
        for (const p of chunk) {
          const node = tx.node(p.nodeId);
          if (!node) {
            failed.set(p, rpcError("Unknown", "node not found"));
            continue;
          }
          try {
            p.checkSession?.();
          } catch (e) {
            failed.set(p, e);
            continue;
          }
          tx.putNode({
            ...node,
            status: { state: "READY", message: "", addr: p.addr },
            description: p.description ?? node.description,
          });
        }
      })
      .then(
        () => {
          for (const p of chunk) {
            if (failed.has(p)) p.reject(failed.get(p));
            else p.resolve();
          }
        },
        (e: unknown) => {
          for (const p of chunk) p.reject(e);
        },
      );
  }
}
