import type { Node__Output } from "../gen/docker/swarmkit/v1/Node.ts";
import { rpcError } from "../rpc/status.ts";
import type { Store } from "./store.ts";

/** SK dispatcher: maxBatchItems. */
export const MAX_BATCH_ITEMS = 10_000;

interface Pending {
  readonly nodeId: string;
  readonly addr: string;
  readonly description: Node__Output["description"] | undefined;
  resolve(): void;
  reject(e: unknown): void;
}

/**
 * The dispatcher's node status updates, batched as SwarmKit's processUpdates
 * does (maxBatchItems 10000, maxBatchInterval): every READY mark queued during
 * one interval is written in one store transaction (one Raft entry), and each
 * caller waits for that commit. A node missing from the store at commit time
 * fails its caller with the plain "node not found" (ErrNodeNotFound).
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

  markReady(nodeId: string, addr: string, description: Node__Output["description"] | undefined): Promise<void> {
    if (this.stopped) return Promise.reject(rpcError("Aborted", "dispatcher is stopped"));
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ nodeId, addr, description, resolve, reject });
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
    const missing = new Set<Pending>();
    this.store
      .update((tx) => {
        for (const p of batch) {
          const node = tx.node(p.nodeId);
          if (!node) {
            missing.add(p);
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
          for (const p of batch) {
            if (missing.has(p)) p.reject(rpcError("Unknown", "node not found"));
            else p.resolve();
          }
        },
        (e: unknown) => {
          for (const p of batch) p.reject(e);
        },
      );
  }
}
