import type { Node__Output } from "../../gen/docker/swarmkit/v1/Node.ts";
import type { Task__Output } from "../../gen/docker/swarmkit/v1/Task.ts";
import type { ReadTx } from "../store.ts";
import { taskStateOrder } from "../task-state.ts";

/** CPU (nano CPUs) and memory (bytes), as numbers: far below 2^53 for any machine. */
export interface Capacity {
  nanoCpus: number;
  memoryBytes: number;
}

/**
 * What the scheduler knows of a node (SK scheduler/nodeinfo.go): its tasks
 * that hold resources (assigned up to running), how many of them are active
 * (desired ≤ COMPLETE), by service, and what remains of its resources.
 */
export interface NodeInfo {
  readonly node: Node__Output;
  readonly available: Capacity;
  active: number;
  readonly activeByService: Map<string, number>;
}

export function reservationsOf(t: Task__Output): Capacity {
  const r = t.spec?.resources?.reservations;
  return { nanoCpus: Number(r?.nano_cpus ?? "0"), memoryBytes: Number(r?.memory_bytes ?? "0") };
}

/** A task placed on a node that the node's resources account for: ASSIGNED up to RUNNING. */
export function holdsResources(t: Task__Output): boolean {
  const s = taskStateOrder(t.status?.state ?? "NEW");
  return s >= taskStateOrder("ASSIGNED") && s <= taskStateOrder("RUNNING");
}

/** Adds a task the node now holds (SK NodeInfo.addTask). */
export function addTask(info: NodeInfo, t: Task__Output): void {
  const r = reservationsOf(t);
  info.available.nanoCpus -= r.nanoCpus;
  info.available.memoryBytes -= r.memoryBytes;
  if (taskStateOrder(t.desired_state) <= taskStateOrder("COMPLETE")) {
    info.active++;
    info.activeByService.set(t.service_id, (info.activeByService.get(t.service_id) ?? 0) + 1);
  }
}

export function nodeInfo(node: Node__Output, tasks: readonly Task__Output[]): NodeInfo {
  const res = node.description?.resources;
  const info: NodeInfo = {
    node,
    available: { nanoCpus: Number(res?.nano_cpus ?? "0"), memoryBytes: Number(res?.memory_bytes ?? "0") },
    active: 0,
    activeByService: new Map(),
  };
  for (const t of tasks) if (holdsResources(t)) addTask(info, t);
  return info;
}

/** Every node of the store with what its tasks hold. */
export function nodeInfos(tx: ReadTx): NodeInfo[] {
  return tx.nodes().map((n) => nodeInfo(n, tx.tasksOfNode(n.id)));
}
