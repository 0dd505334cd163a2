import { type Actor, type AnyActorRef, createActor } from "xstate";
import { type LivenessStatus, nodeLivenessMachine } from "../../machines/node-liveness.machine.ts";
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
}

export class LivenessActors {
  private readonly actors = new Map<string, LivenessActor>();
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
  }

  private writeStatus(nodeId: string, state: LivenessStatus, message: string): void {
    this.opts.store.update((tx) => {
      const node = tx.node(nodeId);
      if (!node) return;
      tx.putNode({ ...node, status: { state, message, addr: node.status?.addr ?? "" } });
    });
  }
}
