import type { Log } from "../log.ts";

/**
 * What the manager does when its Raft member learns it was removed from the
 * cluster (the raft actor's `announceRemoved`, SwarmKit's ErrMemberRemoved on
 * the node): say so once, and let the node stop the manager (it clears the
 * Raft data, a demotion) once the announcement's call stack has returned.
 */
export class RaftRemoval {
  private announced = false;
  private settle: () => void = () => {};
  /**
   * Resolves once the member was removed: a manager starting on the state of
   * a removed member (an old manager after a --force-new-cluster) has no
   * leader to wait for.
   */
  readonly happened = new Promise<void>((resolve) => {
    this.settle = resolve;
  });

  constructor(
    private readonly log: Log,
    private readonly nodeId: string,
    private readonly onRemovedFromRaft: (() => void) | undefined,
  ) {}

  announce(): void {
    if (this.announced) return;
    this.announced = true;
    this.log.warn({ nodeId: this.nodeId }, "manager removed from raft cluster, stopping manager");
    this.settle();
    queueMicrotask(() => this.onRemovedFromRaft?.());
  }
}
