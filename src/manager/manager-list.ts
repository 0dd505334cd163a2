import type { RaftMember } from "./controlapi/index.ts";

/**
 * The managers list the dispatcher sends agents (SessionMessage.managers)
 * follows the raft memberlist: on a change (a join, an address update, a
 * removal, a snapshot restored), every open session is sent the new list.
 * Changes the member applies in one go are sent once, after the apply.
 */
export class ManagerListWatch {
  private signature = "";
  private pending = false;
  private stopped = false;
  private unsubscribe: (() => void) | undefined;

  constructor(
    private readonly members: () => readonly RaftMember[],
    private readonly changed: () => void,
    /** The Raft member's memberlist changes (RaftNode.onMembershipChange). */
    private readonly onMembershipChange: (fn: () => void) => () => void,
  ) {}

  start(): void {
    this.unsubscribe = this.onMembershipChange(() => this.schedule());
    this.check();
  }

  stop(): void {
    this.stopped = true;
    this.unsubscribe?.();
  }

  private schedule(): void {
    if (this.pending) return;
    this.pending = true;
    queueMicrotask(() => {
      this.pending = false;
      if (!this.stopped) this.check();
    });
  }

  private check(): void {
    const sig = this.members()
      .map((m) => `${m.raftId}=${m.nodeId}@${m.addr}`)
      .sort()
      .join(",");
    if (sig === this.signature) return;
    this.signature = sig;
    this.changed();
  }
}
