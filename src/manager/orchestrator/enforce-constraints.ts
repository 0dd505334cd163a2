import type { Node__Output } from "../../gen/docker/swarmkit/v1/Node.ts";
import type { Task__Output } from "../../gen/docker/swarmkit/v1/Task.ts";
import type { TaskPlan } from "../control-loop/task-changes.ts";
import { nodeMatches, tryParseConstraints } from "../scheduler/constraints.ts";
import { reservationsOf } from "../scheduler/node-info.ts";
import type { ReadTx } from "../store.ts";
import { taskStateOrder as order } from "../task-state.ts";
import { createdMs, observed, timestampOf } from "./task.ts";

const between = (s: string, lo: string, hi: string) => order(s) >= order(lo) && order(s) <= order(hi);

export const ENFORCER_MESSAGE = "task rejected by constraint enforcer";
export const ENFORCER_ERR = "assigned node no longer meets constraints";

/**
 * The constraint enforcer (SK orchestrator/constraintenforcer): on an active
 * node, a task that is to run there and has not ended is REJECTED when the
 * node no longer meets its service's constraints, or when the node's
 * resources no longer hold its reservations (counted in creation order). The
 * orchestrators then replace it.
 */
export function enforceConstraints(tx: ReadTx, node: Node__Output, plan: TaskPlan, nowMs: number): void {
  if ((node.spec?.availability ?? "ACTIVE") !== "ACTIVE") return;
  const res = node.description?.resources;
  let cpus = Number(res?.nano_cpus ?? "0");
  let memory = Number(res?.memory_bytes ?? "0");
  const tasks = tx
    .tasksOfNode(node.id)
    .filter((t) => between(t.desired_state, "ASSIGNED", "COMPLETE") && order(observed(t)) < order("COMPLETE"))
    .sort((a, b) => createdMs(a) - createdMs(b));
  for (const t of tasks) {
    const placement = tx.service(t.service_id)?.spec?.task?.placement ?? t.spec?.placement;
    const constraints = placement?.constraints ?? [];
    let reject = constraints.length > 0 && !nodeMatches(tryParseConstraints(constraints), node);
    if (!reject) {
      const r = reservationsOf(t);
      reject = r.memoryBytes > memory || r.nanoCpus > cpus;
      memory -= r.memoryBytes;
      cpus -= r.nanoCpus;
    }
    if (reject) plan.update(t, (cur) => rejected(cur, nowMs));
  }
}

function rejected(t: Task__Output, nowMs: number): Task__Output {
  return {
    ...t,
    status: {
      ...(t.status as NonNullable<Task__Output["status"]>),
      state: "REJECTED",
      message: ENFORCER_MESSAGE,
      err: ENFORCER_ERR,
      timestamp: timestampOf(nowMs),
    },
  };
}
