import type { Node__Output } from "../../gen/docker/swarmkit/v1/Node.ts";
import type { Service__Output } from "../../gen/docker/swarmkit/v1/Service.ts";
import type { Task__Output } from "../../gen/docker/swarmkit/v1/Task.ts";
import type { TaskPlan } from "../control-loop/task-changes.ts";
import { taskStateOrder } from "../task-state.ts";
import { createdMs, isGlobal, msOf, newTask, observed, stateAbove, taskTimestampMs } from "./task.ts";

/**
 * The restart supervisor's decisions (SK orchestrator/restart/restart.go), over
 * the tasks of one slot as the store holds them. SwarmKit keeps the restart
 * history in memory and rebuilds it from the store when a leader starts; here
 * it is read from the store every time (the task reaper keeps MaxAttempts + 1
 * tasks a slot for it), so a new leader decides as the old one did.
 */

export type RestartCondition = "NONE" | "ON_FAILURE" | "ANY";

/** SK api/defaults: ANY when the spec has no restart policy. */
export function restartCondition(t: Task__Output): RestartCondition {
  return t.spec?.restart?.condition ?? "ANY";
}

const durationMs = (d: { seconds: string; nanos: number } | null | undefined): number | undefined =>
  d ? Number(d.seconds) * 1000 + Math.floor(d.nanos / 1_000_000) : undefined;

/** The slot of a task as the restart supervisor counts it: the service's slot, or its node for a global service. */
export const slotKey = (service: Service__Output | undefined, t: Task__Output): string =>
  isGlobal(service) ? `n:${t.node_id}` : `s:${t.slot}`;

/**
 * Whether an ended task gets a replacement: never for NONE, not for a
 * COMPLETE task under ON_FAILURE; under MaxAttempts, only while fewer
 * restarts of this spec version happened in the slot (within Window if set).
 * A restart is a task of the slot with the same spec version but the first.
 */
export function shouldRestart(t: Task__Output, slotTasks: readonly Task__Output[]): boolean {
  const condition = restartCondition(t);
  if (condition === "NONE") return false;
  if (condition === "ON_FAILURE" && observed(t) === "COMPLETE") return false;
  const maxAttempts = Number(t.spec?.restart?.max_attempts ?? "0");
  if (maxAttempts === 0) return true;
  const version = t.spec_version?.index ?? "";
  const sameVersion = slotTasks
    .filter((o) => (o.spec_version?.index ?? "") === version)
    .sort((a, b) => createdMs(a) - createdMs(b));
  const restarts = sameVersion.slice(1);
  const windowMs = durationMs(t.spec?.restart?.window) ?? 0;
  if (windowMs === 0) return restarts.length < maxAttempts;
  const at = taskTimestampMs(t);
  const inWindow = restarts.filter((r) => createdMs(r) > at - windowMs && createdMs(r) < at);
  return inWindow.length < maxAttempts;
}

/**
 * Restarts a task (SK Supervisor.Restart): its desired state becomes
 * SHUTDOWN and, if it should restart, a replacement takes its slot (a global
 * one its node) with desired READY; the delayed start (`startDue`) moves it
 * to RUNNING. Returns the replacement.
 */
export function restartTask(
  plan: TaskPlan,
  t: Task__Output,
  service: Service__Output,
  slotTasks: readonly Task__Output[],
  id: string,
  nowMs: number,
): Task__Output | undefined {
  plan.desire(t, "SHUTDOWN", taskStateOrder);
  if (!shouldRestart(t, slotTasks)) return undefined;
  const place = isGlobal(service) ? { nodeId: t.node_id } : { slot: Number(t.slot) };
  const replacement = { ...newTask(service, place, id, nowMs), desired_state: "READY" as const };
  plan.create(replacement);
  return replacement;
}

export interface RestartTiming {
  /** The delay when the task's RestartPolicy has none (SK defaults: 5 s). */
  readonly restartDelayDefaultMs: number;
  /** SK defaultOldTaskTimeout: the longest a replacement waits for the task it replaces to stop. */
  readonly restartOldTaskTimeoutMs: number;
}

export type StartDecision = { readonly start: true } | { readonly start: false; readonly wakeAtMs: number };

/**
 * Whether a replacement waiting at desired READY may run now (SK DelayStart):
 * after the restart delay (none when the task it replaces sat on a drained
 * node), and once that task stopped, its node is down or gone, or the old-task
 * timeout passed. The task it replaces is the slot's newest task created
 * before it. Otherwise: when to look again.
 */
export function startDue(
  ready: Task__Output,
  slotTasks: readonly Task__Output[],
  nodeOf: (id: string) => Node__Output | undefined,
  nowMs: number,
  timing: RestartTiming,
): StartDecision {
  const born = msOf(ready.meta?.created_at) ?? createdMs(ready);
  const before = slotTasks
    .filter((o) => o.id !== ready.id && createdMs(o) <= born)
    .sort((a, b) => createdMs(b) - createdMs(a));
  const old = before[0];
  const oldNode = old && old.node_id !== "" ? nodeOf(old.node_id) : undefined;
  const drained = oldNode?.spec?.availability === "DRAIN";
  const delayMs = drained ? 0 : (durationMs(ready.spec?.restart?.delay) ?? timing.restartDelayDefaultMs);
  // An old task that never reached a node never ran: nothing to wait for (SwarmKit waits the timeout).
  const waitStop =
    old !== undefined &&
    old.node_id !== "" &&
    !stateAbove(observed(old), "RUNNING") &&
    oldNode !== undefined &&
    oldNode.status?.state !== "DOWN";
  const dueAt = born + delayMs;
  const timeoutAt = born + timing.restartOldTaskTimeoutMs;
  if (nowMs < dueAt) return { start: false, wakeAtMs: dueAt };
  if (waitStop && nowMs < timeoutAt) return { start: false, wakeAtMs: timeoutAt };
  return { start: true };
}
