import type { Node__Output } from "../../gen/docker/swarmkit/v1/Node.ts";
import type { Service__Output } from "../../gen/docker/swarmkit/v1/Service.ts";
import type { TaskPlan } from "../control-loop/task-changes.ts";
import { type Constraint, nodeMatches, tryParseConstraints } from "../scheduler/constraints.ts";
import type { ReadTx } from "../store.ts";
import { taskStateOrder } from "../task-state.ts";
import type { PassEnv } from "./replicated.ts";
import { restartTask } from "./restart.ts";
import { groupBy, slotHolders } from "./slots.ts";
import { endedWhileWanted, newTask, wantedRunning } from "./task.ts";

/** A node a global service runs on (SK global.updateNode): any but a drained or DOWN one. */
export const globalEligible = (n: Node__Output): boolean =>
  n.spec?.availability !== "DRAIN" && n.status?.state !== "DOWN";

/**
 * The global orchestrator's decision for one service (SK
 * orchestrator/global): one task per eligible node that meets the
 * constraints; a paused node keeps what it has and gets nothing new; tasks
 * on a departed, drained, down or no longer matching node are shut down;
 * an ended task is restarted on its node (shut down, if the node is paused or
 * no longer matches).
 */
export function reconcileGlobal(tx: ReadTx, service: Service__Output, plan: TaskPlan, env: PassEnv): void {
  const constraints: Constraint[] = tryParseConstraints(service.spec?.task?.placement?.constraints ?? []);
  const tasks = tx.tasksOfService(service.id);
  const byNode = groupBy(tasks, (t) => t.node_id);
  for (const t of tasks) {
    if (!endedWhileWanted(t)) continue;
    const node = tx.node(t.node_id);
    if (!node || !globalEligible(node)) continue; // shut down below
    if (node.spec?.availability === "PAUSE" || !nodeMatches(constraints, node)) {
      plan.desire(t, "SHUTDOWN", taskStateOrder);
    } else {
      restartTask(plan, t, service, byNode.get(t.node_id) ?? [], env.newId(), env.nowMs);
    }
  }
  const current = [
    ...tasks.flatMap((t) => plan.current(t) ?? []),
    ...plan.created().filter((t) => t.service_id === service.id),
  ];
  const holders = new Map([...groupBy(current, (t) => t.node_id)].map(([n, list]) => [n, slotHolders(list)]));
  const eligible = new Set<string>();
  for (const node of tx.nodes()) {
    if (!globalEligible(node)) continue;
    eligible.add(node.id);
    const held = holders.get(node.id) ?? [];
    if (!nodeMatches(constraints, node)) {
      for (const t of held) plan.desire(t, "SHUTDOWN", taskStateOrder);
    } else if (node.spec?.availability !== "PAUSE" && held.length === 0) {
      plan.create(newTask(service, { nodeId: node.id }, env.newId(), env.nowMs));
    }
  }
  for (const [nodeId, held] of holders) {
    if (eligible.has(nodeId)) continue;
    for (const t of held) if (wantedRunning(t)) plan.desire(t, "SHUTDOWN", taskStateOrder);
  }
}
