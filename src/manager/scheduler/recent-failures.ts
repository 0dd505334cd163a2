import type { Task__Output } from "../../gen/docker/swarmkit/v1/Task.ts";
import { MONITOR_FAILURES_MS } from "./schedule.ts";

/**
 * Failures of a service's tasks per node (SK NodeInfo.recentFailures): a task
 * that FAILED or was REJECTED there, by service and spec version, kept for
 * monitorFailures (5 min); a task counts once, however often it is written
 * after. In memory on the leader, as in SwarmKit.
 */
export class RecentFailures {
  /** key → task id → when its failure was seen. */
  private readonly byKey = new Map<string, Map<string, number>>();

  private static key(nodeId: string, t: Task__Output): string {
    return `${nodeId}\u0000${t.service_id}\u0000${t.spec_version?.index ?? ""}`;
  }

  record(t: Task__Output, nowMs: number): void {
    const key = RecentFailures.key(t.node_id, t);
    const seen = this.byKey.get(key) ?? new Map<string, number>();
    for (const [id, at] of seen) if (nowMs - at >= MONITOR_FAILURES_MS) seen.delete(id);
    if (!seen.has(t.id)) seen.set(t.id, nowMs);
    this.byKey.set(key, seen);
  }

  count(nodeId: string, t: Task__Output, nowMs: number): number {
    let n = 0;
    for (const at of this.byKey.get(RecentFailures.key(nodeId, t))?.values() ?? [])
      if (nowMs - at < MONITOR_FAILURES_MS) n++;
    return n;
  }

  clear(): void {
    this.byKey.clear();
  }
}
