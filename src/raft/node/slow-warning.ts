import type { TimingProfile } from "../../config/profile.ts";
import type { Log } from "../../log.ts";
import type { RaftCore } from "../core/index.ts";
import type { RaftId } from "../types.ts";

export interface SlowWarningContext {
  readonly log: Log;
  readonly profile: TimingProfile;
  readonly raftId: RaftId;
  readonly core: RaftCore;
}

/**
 * etcd's "leader failed to send out heartbeat on time": while a Ready is being
 * persisted or a tick waits for a blocked event loop, no heartbeat leaves, and
 * past the election timeout the followers elect someone else. Logged so a
 * spurious election under load can be traced to its cause (slow disk or CPU).
 */
export function warnIfSlow(
  c: SlowWarningContext,
  what: "ready" | "tick",
  ms: number,
  fields: Record<string, number>,
): void {
  const budget = c.profile.raftTickMs * c.profile.raftHeartbeatTicks * 2;
  if (ms <= budget) return;
  c.log.warn(
    { raftId: c.raftId, role: c.core.status().role, ms: Math.round(ms), budgetMs: budget, ...fields },
    what === "ready"
      ? "raft: persisting and applying a Ready took longer than two heartbeats (slow disk or apply)"
      : "raft: a tick came late by more than two heartbeats (event loop blocked or CPU starved)",
  );
}
