import { type Actor, type AnyActorRef, createActor } from "xstate";
import { type LivenessStatus, nodeLivenessMachine } from "../../machines/node-liveness.machine.ts";
import type { RegistrationEpoch } from "./node-registry.ts";
import type { Store } from "./store.ts";

/**
 * The shell of the node-liveness machines: one actor per node, its status
 * writes going to the store, its `unregister` dropping the node's session.
 */
export type LivenessActor = Actor<typeof nodeLivenessMachine>;

export interface LivenessOptions {
  store: Store;
  /** The node's session is dropped (heartbeat expiry): later RPCs get "node not registered". */
  onUnregister: (nodeId: string) => void;
  onActor?: (name: string, actor: AnyActorRef) => void;
  /**
   * The dispatcher's registrations (NodeRegistry): a status is decided against
   * the node's epoch then, and dropped inside its transaction if the node
   * registered again since (its READY must stay the last write).
   */
  registrations?: {
    epoch(nodeId: string): RegistrationEpoch;
    registeredSince(nodeId: string, epoch: RegistrationEpoch): boolean;
  };
  /** A status write failed (e.g. leadership lost meanwhile). */
  onWriteError?: (nodeId: string, e: unknown) => void;
}

interface PendingWrite {
  readonly state: LivenessStatus;
  readonly message: string;
  /** The node's registration when the machine decided this status. */
  readonly epoch: RegistrationEpoch;
}

export class LivenessActors {
  private readonly actors = new Map<string, LivenessActor>();
  /** Status writes not yet proposed, by node (the last one wins), flushed as one transaction. */
  private readonly pendingWrites = new Map<string, PendingWrite>();
  private flushTimer: NodeJS.Timeout | undefined;
  constructor(private readonly opts: LivenessOptions) {}

  /** The node's actor, created (and announced) on first use. */
  of(nodeId: string): LivenessActor {
    let actor = this.actors.get(nodeId);
    if (actor) return actor;
    const machine = nodeLivenessMachine.provide({
      actions: {
        writeStatus: (_, params) => this.writeStatus(nodeId, params.state, params.message),
        unregister: () => this.opts.onUnregister(nodeId),
      },
    });
    actor = createActor(machine, { input: { nodeId }, id: `liveness-${nodeId}` });
    this.actors.set(nodeId, actor);
    actor.start();
    this.opts.onActor?.(`liveness-${nodeId}`, actor);
    return actor;
  }

  has(nodeId: string): boolean {
    return this.actors.has(nodeId);
  }

  remove(nodeId: string): void {
    const actor = this.actors.get(nodeId);
    if (!actor) return;
    actor.send({ type: "REMOVED" });
    actor.stop();
    this.actors.delete(nodeId);
  }

  stopAll(): void {
    for (const actor of this.actors.values()) actor.stop();
    this.actors.clear();
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    this.pendingWrites.clear();
  }

  /**
   * Queued, and written with every other status change of the same turn in
   * one transaction (SwarmKit's markNodesUnknown is one store batch): a
   * leadership change over thousands of nodes is one Raft entry, not one each.
   * Not awaited: a write that fails (lost leadership) is dropped, as
   * SwarmKit's markNodeNotReady is.
   */
  private writeStatus(nodeId: string, state: LivenessStatus, message: string): void {
    this.pendingWrites.delete(nodeId);
    this.pendingWrites.set(nodeId, { state, message, epoch: this.opts.registrations?.epoch(nodeId) });
    this.flushTimer ??= setTimeout(() => this.flush(), 0);
  }

  private flush(): void {
    this.flushTimer = undefined;
    const writes = [...this.pendingWrites];
    this.pendingWrites.clear();
    if (writes.length === 0) return;
    this.opts.store
      .update((tx) => {
        for (const [nodeId, w] of writes) {
          const node = tx.node(nodeId);
          if (!node || this.opts.registrations?.registeredSince(nodeId, w.epoch)) continue;
          tx.putNode({ ...node, status: { state: w.state, message: w.message, addr: node.status?.addr ?? "" } });
        }
      })
      .catch((e: unknown) => {
        for (const [nodeId] of writes) this.opts.onWriteError?.(nodeId, e);
      });
  }
}
