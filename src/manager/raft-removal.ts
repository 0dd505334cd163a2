import type { Log } from "../log.ts";

/**
 * What the manager does when its Raft member learns it was removed from the
 * cluster (the raft actor's `announceRemoved`, SwarmKit's ErrMemberRemoved on
 * the node): say so once, and let the node stop the manager (it clears the
 * Raft data, a demotion) once the announcement's call stack has returned.
 */
export function onceRemoved(log: Log, nodeId: string, onRemovedFromRaft: (() => void) | undefined): () => void {
  let announced = false;
  return () => {
    if (announced) return;
    announced = true;
    log.warn({ nodeId }, "manager removed from raft cluster, stopping manager");
    queueMicrotask(() => onRemovedFromRaft?.());
  };
}
