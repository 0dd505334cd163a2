import type { Node__Output } from "../gen/docker/swarmkit/v1/Node.ts";
import type { Service__Output } from "../gen/docker/swarmkit/v1/Service.ts";
import type { Task__Output } from "../gen/docker/swarmkit/v1/Task.ts";
import type { ClusterObject } from "./cluster-object.ts";
import type { StoreOp } from "./store-codec.ts";

/** Ids grouped by a key, for the task indexes. */
export class Index {
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
  /**
   * `id` moves from one key to another; under an unchanged key it keeps its place (a status report or an
   * assignment leaves a task's service as it was: no delete and re-add in a set of thousands).
   */
  move(from: string, to: string, id: string): void {
    if (from === to) return;
    this.remove(from, id);
    this.add(to, id);
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

/** A transaction proposed by this leader whose entry is not applied here yet. */
export interface InFlight {
  readonly bytes: Uint8Array;
  /** The version it was staged on (the entry before it ends there), and the one it ends at. */
  readonly base: number;
  readonly version: number;
  readonly ops: readonly StoreOp[];
  /** Set when its entry is applied here: true when its changes were, false when it was skipped. */
  applied?: boolean;
  /** Told once it settles whether it committed (a read-only transaction staged on it waits for that). */
  readonly followers: ((committed: boolean) => void)[];
}

/** An object as the newest in-flight transaction that touches it leaves it (null: deleted). */
export interface Slot<T> {
  readonly value: T | null;
  readonly owner: InFlight;
}

/**
 * The changes of the proposed, not yet applied transactions (newest wins):
 * with the applied state under it, what the next transaction is staged on.
 * A transaction's slots go when its entry is applied (the applied state has
 * them then), unless a newer one overwrote them.
 */
export class InFlightOverlay {
  readonly nodes = new Map<string, Slot<Node__Output>>();
  readonly tasks = new Map<string, Slot<Task__Output>>();
  readonly services = new Map<string, Slot<Service__Output>>();
  cluster: Slot<ClusterObject> | undefined;
  /** The in-flight tasks (not deleted ones) by service and by node. */
  readonly tasksByService = new Index();
  readonly tasksByNode = new Index();

  add(rec: InFlight): void {
    for (const op of rec.ops) {
      switch (op.op) {
        case "putNode":
          this.nodes.set(op.node.id, { value: op.node, owner: rec });
          break;
        case "deleteNode":
          this.nodes.set(op.id, { value: null, owner: rec });
          break;
        case "putTask":
          this.setTask(op.task.id, { value: op.task, owner: rec });
          break;
        case "deleteTask":
          this.setTask(op.id, { value: null, owner: rec });
          break;
        case "putService":
          this.services.set(op.service.id, { value: op.service, owner: rec });
          break;
        case "deleteService":
          this.services.set(op.id, { value: null, owner: rec });
          break;
        case "putCluster":
          this.cluster = { value: op.cluster, owner: rec };
          break;
      }
    }
  }

  /** `rec`'s entry was applied: what no newer transaction overwrote reads from the applied state now. */
  release(rec: InFlight): void {
    for (const op of rec.ops) {
      switch (op.op) {
        case "putNode":
        case "deleteNode": {
          const id = op.op === "putNode" ? op.node.id : op.id;
          if (this.nodes.get(id)?.owner === rec) this.nodes.delete(id);
          break;
        }
        case "putTask":
        case "deleteTask": {
          const id = op.op === "putTask" ? op.task.id : op.id;
          if (this.tasks.get(id)?.owner === rec) this.setTask(id, undefined);
          break;
        }
        case "putService":
        case "deleteService": {
          const id = op.op === "putService" ? op.service.id : op.id;
          if (this.services.get(id)?.owner === rec) this.services.delete(id);
          break;
        }
        case "putCluster":
          if (this.cluster?.owner === rec) this.cluster = undefined;
          break;
      }
    }
  }

  clear(): void {
    this.nodes.clear();
    this.tasks.clear();
    this.services.clear();
    this.cluster = undefined;
    this.tasksByService.clear();
    this.tasksByNode.clear();
  }

  private setTask(id: string, slot: Slot<Task__Output> | undefined): void {
    const prior = this.tasks.get(id)?.value;
    const next = slot?.value;
    if (prior && next) {
      this.tasksByService.move(prior.service_id, next.service_id, id);
      this.tasksByNode.move(prior.node_id, next.node_id, id);
    } else if (prior) {
      this.tasksByService.remove(prior.service_id, id);
      this.tasksByNode.remove(prior.node_id, id);
    } else if (next) {
      this.tasksByService.add(next.service_id, id);
      this.tasksByNode.add(next.node_id, id);
    }
    if (slot) this.tasks.set(id, slot);
    else this.tasks.delete(id);
  }
}
