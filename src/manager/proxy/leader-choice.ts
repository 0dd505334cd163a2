import type { LeaderChannels } from "./leader-channels.ts";
import { deadlineExceeded, type LeaderChoice, type LeaderInfo, leaderConn } from "./leader-conn.ts";

/**
 * Where a relayed call goes: LeaderConn over the leader's address, and
 * SwarmKit's pollNewLeaderConn once the leader's connection failed.
 */
export class LeaderChooser {
  constructor(
    private readonly leader: LeaderInfo,
    private readonly channels: LeaderChannels,
    private readonly tickMs: number,
  ) {}

  /** Locally, or the leader's address; rejects as LeaderConn does. */
  where(deadline: number, signal: AbortSignal): Promise<LeaderChoice<string>> {
    return leaderConn(this.leader, (i) => i.leaderAddr(), { deadline, pollMs: this.tickMs, signal });
  }

  /** pollNewLeaderConn: every half tick, LeaderConn, then wait for its channel to be ready. */
  async pollNewLeader(deadline: number, signal: AbortSignal): Promise<LeaderChoice<string>> {
    const interval = this.tickMs / 2;
    for (;;) {
      await new Promise((r) => setTimeout(r, Math.max(0, Math.min(interval, deadline - Date.now()))));
      const choice = await this.where(deadline, signal);
      if (choice.local) return choice;
      if (await this.channels.ready(choice.leader, Math.min(deadline, Date.now() + interval))) return choice;
      if (Date.now() >= deadline) throw deadlineExceeded();
    }
  }
}
