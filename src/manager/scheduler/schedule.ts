import type { Task__Output } from "../../gen/docker/swarmkit/v1/Task.ts";
import type { TaskPlan } from "../control-loop/task-changes.ts";
import { timestampOf } from "../orchestrator/task.ts";
import type { ReadTx } from "../store.ts";
import { taskStateOrder } from "../task-state.ts";
import { addTask, type NodeInfo, nodeInfos } from "./node-info.ts";
import { Pipeline } from "./pipeline.ts";
import { buildTree, placeOnTree } from "./spread.ts";

export const ASSIGNED_MESSAGE = "scheduler assigned task to node";
export const CONFIRMED_MESSAGE = "scheduler confirmed task can run on preassigned node";
export const NO_SUITABLE_NODE = "no suitable node";

/** SK scheduler: a node with this many failures of a service within monitorFailures is used last for it. */
export const MAX_FAILURES = 5;
export const MONITOR_FAILURES_MS = 5 * 60_000;

export interface ScheduleInput {
  readonly tx: ReadTx;
  /** PENDING tasks to place: without a node (replicated), or preassigned (global). */
  readonly pending: readonly Task__Output[];
  readonly nowMs: number;
  /** Recent failures of this task's service (and spec version) on a node, counted by the shell. */
  readonly recentFailures?: (nodeId: string, t: Task__Output) => number;
}

export interface ScheduleResult {
  /** The node versions the assignments were decided on: an assignment to a node that changed since is dropped. */
  readonly nodeVersions: ReadonlyMap<string, string>;
}

/**
 * One scheduling pass (SK scheduler.tick): preassigned tasks are checked
 * against their node; the others are grouped by service and spec version and
 * spread over the nodes that pass the filters, best first (`nodeLess`); what
 * finds no node stays PENDING with the explanation. Status changes only: a
 * decision that changes nothing is not made.
 */
export function schedule(input: ScheduleInput, plan: TaskPlan): ScheduleResult {
  // Nothing to place (a pass woken by tasks it already placed): no walk over every node's tasks.
  if (input.pending.length === 0) return { nodeVersions: new Map() };
  const infos = nodeInfos(input.tx);
  const byId = new Map(infos.map((i) => [i.node.id, i]));
  const nodeVersions = new Map(infos.map((i) => [i.node.id, i.node.meta?.version?.index ?? ""]));
  const pipeline = new Pipeline();
  const groups = new Map<string, Task__Output[]>();
  for (const t of input.pending) {
    if (t.node_id !== "") {
      fitPreassigned(t, byId.get(t.node_id), pipeline, plan, input.nowMs);
      continue;
    }
    const key = t.spec_version ? `${t.service_id}\u0000${t.spec_version.index}` : `\u0001${t.id}`;
    const g = groups.get(key);
    if (g) g.push(t);
    else groups.set(key, [t]);
  }
  for (const group of groups.values()) scheduleGroup(input, group, infos, pipeline, plan);
  return { nodeVersions };
}

function setStatus(
  plan: TaskPlan,
  t: Task__Output,
  nowMs: number,
  patch: Partial<NonNullable<Task__Output["status"]>>,
): void {
  const status = t.status;
  const next = { ...status, ...patch } as NonNullable<Task__Output["status"]>;
  if (status && next.state === status.state && next.message === status.message && next.err === status.err) return;
  plan.update(t, (cur) => ({ ...cur, status: { ...next, timestamp: timestampOf(nowMs) } }));
}

function fitPreassigned(
  t: Task__Output,
  info: NodeInfo | undefined,
  pipeline: Pipeline,
  plan: TaskPlan,
  nowMs: number,
): void {
  if (!info) return;
  pipeline.setTask(t);
  if (!pipeline.process(info)) {
    setStatus(plan, t, nowMs, { err: pipeline.explain() });
    return;
  }
  setStatus(plan, t, nowMs, { state: "ASSIGNED", message: CONFIRMED_MESSAGE, err: "" });
  addTask(info, { ...t, status: { ...(t.status as NonNullable<Task__Output["status"]>), state: "ASSIGNED" } });
}

/** SK nodeLess: many recent failures last, then fewer tasks of this service, then fewer tasks. */
function nodeLess(input: ScheduleInput, t: Task__Output) {
  return (a: NodeInfo, b: NodeInfo): number => {
    const fa = input.recentFailures?.(a.node.id, t) ?? 0;
    const fb = input.recentFailures?.(b.node.id, t) ?? 0;
    if ((fa >= MAX_FAILURES || fb >= MAX_FAILURES) && fa !== fb) return fa - fb;
    const sa = a.activeByService.get(t.service_id) ?? 0;
    const sb = b.activeByService.get(t.service_id) ?? 0;
    if (sa !== sb) return sa - sb;
    return a.active - b.active;
  };
}

function scheduleGroup(
  input: ScheduleInput,
  group: Task__Output[],
  infos: readonly NodeInfo[],
  pipeline: Pipeline,
  plan: TaskPlan,
): void {
  const first = group[0];
  if (!first) return;
  const queue: TaskQueue = {
    items: [...group].sort((a, b) => Number(a.slot) - Number(b.slot) || (a.id < b.id ? -1 : 1)),
    head: 0,
  };
  pipeline.setTask(first);
  const less = nodeLess(input, first);
  const descriptors = (first.spec?.placement?.preferences ?? []).flatMap((p) =>
    p.spread ? [p.spread.spread_descriptor] : [],
  );
  const tree = buildTree(infos, first.service_id, descriptors, (n) => pipeline.process(n), less);
  placeOnTree(queue.items.length, tree, (n, nodes) => placeOnNodes(n, queue, nodes, pipeline, less, plan, input.nowMs));
  if (queue.head === queue.items.length) return;
  const explain = pipeline.explain();
  for (const t of queue.items.slice(queue.head)) noSuitableNode(input, t, explain, plan);
}

/** The tasks of a group still to place, in order: a cursor rather than shift(), which is O(n) a task at 10,000. */
interface TaskQueue {
  readonly items: readonly Task__Output[];
  head: number;
}

/**
 * SK scheduleNTasksOnNodes: up to n tasks of the queue go to the best node;
 * after each, the next node takes over when it is now better than the one
 * just used; nodes that stop passing the filters (full, at max replicas) are
 * skipped. Placed tasks leave the queue; returns how many.
 */
function placeOnNodes(
  n: number,
  queue: TaskQueue,
  nodes: NodeInfo[],
  pipeline: Pipeline,
  less: (a: NodeInfo, b: NodeInfo) => number,
  plan: TaskPlan,
  nowMs: number,
): number {
  const failed = new Set<number>();
  let iter = 0;
  let placed = 0;
  for (let t = queue.items[queue.head]; t && placed < n; t = queue.items[queue.head]) {
    const node = nodes[iter % nodes.length] as NodeInfo;
    const assigned: Task__Output = {
      ...t,
      node_id: node.node.id,
      status: {
        ...(t.status as NonNullable<Task__Output["status"]>),
        state: "ASSIGNED",
        message: ASSIGNED_MESSAGE,
        err: "",
        timestamp: timestampOf(nowMs),
      },
    };
    plan.update(t, () => assigned);
    addTask(node, assigned);
    queue.head++;
    placed++;
    if (placed === n) return placed;
    const next = nodes[(iter + 1) % nodes.length] as NodeInfo;
    if (iter + 1 >= nodes.length || less(next, node) < 0) iter++;
    const start = iter;
    while (failed.has(iter % nodes.length) || !pipeline.process(nodes[iter % nodes.length] as NodeInfo)) {
      failed.add(iter % nodes.length);
      iter++;
      if (iter - start === nodes.length) return placed;
    }
  }
  return placed;
}

/** SK noSuitableNode: the task stays PENDING with the reason; one of an older spec that is to stop just stops. */
function noSuitableNode(input: ScheduleInput, t: Task__Output, explain: string, plan: TaskPlan): void {
  const service = input.tx.service(t.service_id);
  if (!service) return;
  const sv = Number(service.spec_version?.index ?? "0");
  const tv = Number(t.spec_version?.index ?? "0");
  if (service.spec_version && t.spec_version && sv > tv) {
    if (t.status?.state === "PENDING" && taskStateOrder(t.desired_state) >= taskStateOrder("SHUTDOWN")) {
      setStatus(plan, t, input.nowMs, { state: "SHUTDOWN", err: "" });
    }
    return;
  }
  setStatus(plan, t, input.nowMs, { err: explain === "" ? NO_SUITABLE_NODE : `${NO_SUITABLE_NODE} (${explain})` });
}
