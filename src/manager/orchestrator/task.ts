import type { Node__Output } from "../../gen/docker/swarmkit/v1/Node.ts";
import type { Service__Output } from "../../gen/docker/swarmkit/v1/Service.ts";
import type { Task__Output } from "../../gen/docker/swarmkit/v1/Task.ts";
import type { TaskState__Output } from "../../gen/docker/swarmkit/v1/TaskState.ts";
import type { Timestamp__Output } from "../../gen/google/protobuf/Timestamp.ts";
import { taskStateOrder } from "../task-state.ts";

/** Where a new task goes: a replicated slot (1..N), or a global service's node (preassigned). */
export type TaskPlace = { readonly slot: number } | { readonly nodeId: string };

export function timestampOf(ms: number): Timestamp__Output {
  return { seconds: String(Math.floor(ms / 1000)), nanos: (ms % 1000) * 1_000_000 };
}

export function msOf(ts: Timestamp__Output | null | undefined): number | undefined {
  if (!ts) return undefined;
  return Number(ts.seconds) * 1000 + Math.floor(ts.nanos / 1_000_000);
}

/**
 * A new task of a service (SK orchestrator/task.go NewTask): state NEW with
 * message "created", desired RUNNING, the service's task spec, spec version
 * and annotations copied. A global task is preassigned: its node is set now
 * and its slot is 0.
 */
export function newTask(service: Service__Output, place: TaskPlace, id: string, nowMs: number): Task__Output {
  const spec = service.spec;
  return {
    id,
    meta: null,
    spec: spec?.task ?? null,
    spec_version: service.spec_version ?? null,
    service_id: service.id,
    slot: "slot" in place ? String(place.slot) : "0",
    node_id: "nodeId" in place ? place.nodeId : "",
    annotations: { name: "", labels: {} },
    service_annotations: spec?.annotations ?? null,
    status: {
      timestamp: timestampOf(nowMs),
      state: "NEW",
      message: "created",
      err: "",
      applied_by: "",
      applied_at: null,
    },
    desired_state: "RUNNING",
  };
}

export const stateAtMost = (state: string, max: TaskState__Output): boolean =>
  taskStateOrder(state) <= taskStateOrder(max);

export const stateAbove = (state: string, min: TaskState__Output): boolean =>
  taskStateOrder(state) > taskStateOrder(min);

/** The task's observed state ("NEW" when it has no status yet). */
export const observed = (t: Task__Output): TaskState__Output => t.status?.state ?? "NEW";

/** A task the orchestrator still wants to run (desired ≤ RUNNING, READY included). */
export const wantedRunning = (t: Task__Output): boolean => stateAtMost(t.desired_state, "RUNNING");

/** The task ended on its own: it is past RUNNING while it is still wanted (SK handleTaskChange). */
export const endedWhileWanted = (t: Task__Output): boolean => wantedRunning(t) && stateAbove(observed(t), "RUNNING");

export const isReplicated = (s: Service__Output | undefined): boolean => s?.spec?.mode === "replicated";
export const isGlobal = (s: Service__Output | undefined): boolean => s?.spec?.mode === "global";

/** SK orchestrator.InvalidNode: a task there must be replaced (gone, DOWN, or drained). */
export function invalidNode(n: Node__Output | undefined): boolean {
  return !n || n.status?.state === "DOWN" || n.spec?.availability === "DRAIN";
}

/**
 * Whether a task's change may concern its slot, so its service must be
 * reconciled (SK handleTaskChange, which restarts what ended or sits on an
 * invalid node): it ended, it is on a gone, DOWN or drained node, or it is not
 * simply wanted RUNNING (a replacement waiting at READY, a task being shut
 * down or removed). A task wanted RUNNING that moves up to RUNNING on a valid
 * node — PENDING → ASSIGNED → … → RUNNING, nearly all status reports — frees
 * and fills no slot. A deleted task is always looked at (the caller's rule).
 */
export function concernsSlot(t: Task__Output, nodeOf: (id: string) => Node__Output | undefined): boolean {
  if (t.desired_state !== "RUNNING" || stateAbove(observed(t), "RUNNING")) return true;
  return t.node_id !== "" && invalidNode(nodeOf(t.node_id));
}

/** When the task last changed, as SK's TasksByTimestamp sees it: applied_at, else the status timestamp. */
export const taskTimestampMs = (t: Task__Output): number =>
  msOf(t.status?.applied_at) ?? msOf(t.status?.timestamp) ?? 0;

export const createdMs = (t: Task__Output): number => msOf(t.meta?.created_at) ?? msOf(t.status?.timestamp) ?? 0;

export const versionOf = (t: { meta: Task__Output["meta"] }): string => t.meta?.version?.index ?? "";
