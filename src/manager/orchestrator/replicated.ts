import type { Service__Output } from "../../gen/docker/swarmkit/v1/Service.ts";
import type { Task__Output } from "../../gen/docker/swarmkit/v1/Task.ts";
import type { TaskPlan } from "../control-loop/task-changes.ts";
import type { ReadTx } from "../store.ts";
import { taskStateOrder } from "../task-state.ts";
import { restartTask } from "./restart.ts";
import { groupBy, isRunning, slotHolders } from "./slots.ts";
import { endedWhileWanted, invalidNode, newTask, wantedRunning } from "./task.ts";

/** What a pass needs besides the store: ids and the clock are the shell's. */
export interface PassEnv {
  readonly newId: () => string;
  readonly nowMs: number;
}

/**
 * The replicated orchestrator's decision for one service (SK
 * orchestrator/replicated): restart what ended or sits on an invalid node,
 * then bring the number of slots to `replicas`.
 */
export function reconcileReplicated(tx: ReadTx, service: Service__Output, plan: TaskPlan, env: PassEnv): void {
  const tasks = tx.tasksOfService(service.id);
  const bySlot = groupBy(tasks, (t) => t.slot);
  for (const t of tasks) {
    if (!wantedRunning(t)) continue;
    if (endedWhileWanted(t) || (t.node_id !== "" && invalidNode(tx.node(t.node_id)))) {
      restartTask(plan, t, service, bySlot.get(t.slot) ?? [], env.newId(), env.nowMs);
    }
  }
  const current = [
    ...tasks.flatMap((t) => plan.current(t) ?? []),
    ...plan.created().filter((t) => t.service_id === service.id),
  ];
  const held = new Map<number, Task__Output[]>();
  for (const [slot, list] of groupBy(current, (t) => t.slot)) {
    const holders = slotHolders(list);
    if (holders.length > 0) held.set(Number(slot), holders);
  }
  const replicas = Number(service.spec?.replicated?.replicas ?? "0");
  if (replicas > held.size) scaleUp(service, held, replicas - held.size, plan, env);
  else if (replicas < held.size) scaleDown(held, replicas, plan);
}

/** New tasks in the lowest free slots, from 1. */
function scaleUp(
  service: Service__Output,
  held: ReadonlyMap<number, unknown>,
  count: number,
  plan: TaskPlan,
  env: PassEnv,
): void {
  let slot = 0;
  for (let i = 0; i < count; i++) {
    do slot++;
    while (held.has(slot));
    plan.create(newTask(service, { slot }, env.newId(), env.nowMs));
  }
}

/**
 * SwarmKit's scale-down order: slots with a running task first, then by slot
 * number; each slot gets its rank among the slots of its node (the k-th slot
 * of a node ranks k), slots not on one node last; the lowest ranks stay. So
 * the node with the most copies loses first, running tasks outlive the rest,
 * and lower slots are kept. The others' tasks get desired REMOVE.
 */
export function scaleDownOrder(held: ReadonlyMap<number, readonly Task__Output[]>): number[] {
  const slots = [...held.entries()].sort(([sa, a], [sb, b]) => {
    const ra = isRunning(a);
    const rb = isRunning(b);
    if (ra !== rb) return ra ? -1 : 1;
    return sa - sb;
  });
  const perNode = new Map<string, number>();
  const ranked = slots.map(([slot, list]) => {
    const only = list.length === 1 ? list[0] : undefined;
    if (!only || only.node_id === "") return { slot, rank: Number.POSITIVE_INFINITY };
    const rank = (perNode.get(only.node_id) ?? 0) + 1;
    perNode.set(only.node_id, rank);
    return { slot, rank };
  });
  return ranked.sort((a, b) => a.rank - b.rank).map((r) => r.slot);
}

function scaleDown(held: ReadonlyMap<number, readonly Task__Output[]>, replicas: number, plan: TaskPlan): void {
  for (const slot of scaleDownOrder(held).slice(replicas)) {
    for (const t of held.get(slot) ?? []) plan.desire(t, "REMOVE", taskStateOrder);
  }
}

/** A deleted service (SK SetServiceTasksRemove): every task of it is to be removed. */
export function removeServiceTasks(tasks: readonly Task__Output[], plan: TaskPlan): void {
  for (const t of tasks) plan.desire(t, "REMOVE", taskStateOrder);
}
