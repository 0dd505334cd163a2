import type { RaftMember } from "./controlapi/index.ts";

/**
 * The managers list the dispatcher sends agents (SessionMessage.managers)
 * follows the raft memberlist: on a change, every open session is sent the
 * new list.
 *
 * Why a poll: RaftNode announces no membership change. Conf changes (a join,
 * an address update, a removal) and snapshot restores are applied inside it
 * and nothing is published (the raft actor mirrors role, term and leader
 * only). So the memberlist is compared once per Raft tick, the pace at which
 * the member itself learns of a change. An event from RaftNode for applied
 * conf changes would replace this.
 */
export class ManagerListWatch {
  private signature = "";
  private ticker: NodeJS.Timeout | undefined;

  constructor(
    private readonly members: () => readonly RaftMember[],
    private readonly changed: () => void,
    private readonly tickMs: number,
  ) {}

  start(): void {
    this.ticker = setInterval(() => this.check(), this.tickMs);
    this.check();
  }

  stop(): void {
    clearInterval(this.ticker);
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
