import type { TimingProfile } from "../../config/profile.ts";
import type { Log } from "../../log.ts";
import type { RaftCore } from "../core/index.ts";
import type { TransportReport } from "../transport/index.ts";
import { type Message, NONE, type RaftId } from "../types.ts";
import type { Removal } from "./removal.ts";
import { type SlowWarningContext, warnIfSlow } from "./slow-warning.ts";

export interface InputsDeps {
  readonly raftId: RaftId;
  readonly log: Log;
  readonly core: RaftCore;
  readonly profile: TimingProfile;
  readonly removal: Removal;
  readonly slow: SlowWarningContext;
  isStopped(): boolean;
  /** The core took an input: mirror its role and drain its Ready. */
  afterInput(): void;
}

/** What moves the core besides proposals: the ticker, the peers' messages, the transport's reports. */
export class Inputs {
  private noLeaderTicks = 0;
  private lastTickAt: number | undefined;

  constructor(private readonly d: InputsDeps) {}

  /** Ticks in a row without a known leader (SwarmKit's ticksWithNoLeader). */
  get ticksWithNoLeader(): number {
    return this.noLeaderTicks;
  }

  tick(): void {
    const d = this.d;
    if (d.isStopped()) return;
    const now = performance.now();
    if (this.lastTickAt !== undefined) warnIfSlow(d.slow, "tick", now - this.lastTickAt - d.profile.raftTickMs, {});
    this.lastTickAt = now;
    d.removal.newTick();
    d.core.tick();
    this.noLeaderTicks = d.core.status().lead === NONE ? this.noLeaderTicks + 1 : 0;
    d.afterInput();
  }

  step(m: Message): void {
    const d = this.d;
    if (d.isStopped() || d.removal.removed || d.removal.fromRemoved(m)) return;
    try {
      d.core.step(m);
    } catch (e) {
      d.log.warn(
        { raftId: d.raftId, from: m.from, type: m.type, err: e instanceof Error ? e.message : String(e) },
        "raft: dropped a message the core refused",
      );
      return;
    }
    d.afterInput();
  }

  report(r: TransportReport): void {
    const d = this.d;
    if (d.isStopped()) return;
    if (r.type === "removed") {
      d.removal.noticed(r.by, r.index);
      return;
    }
    if (r.type === "unreachable") d.core.reportUnreachable(r.to);
    else d.core.reportSnapshot(r.to, r.ok);
    d.afterInput();
  }
}
