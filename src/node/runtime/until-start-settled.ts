import type { Actor } from "xstate";
import type { clusterStateMachine } from "../../../machines/cluster-state.machine.ts";

/**
 * moby Cluster.Start: a daemon that finds a swarm in its state dir waits until
 * that node is ready (or has failed) before it serves its API, at most
 * swarmConnectTimeout. Resolves once the clusterState leaves `pending`, or
 * after `timeoutMs`.
 */
export function untilStartSettled(clusterState: Actor<typeof clusterStateMachine>, timeoutMs: number): Promise<void> {
  return new Promise<void>((resolve) => {
    const settled = () => clusterState.getSnapshot().value !== "pending";
    const done = () => {
      clearTimeout(timer);
      sub.unsubscribe();
      resolve();
    };
    const timer = setTimeout(done, timeoutMs);
    const sub = clusterState.subscribe(() => {
      if (settled()) done();
    });
    if (settled()) done();
  });
}
