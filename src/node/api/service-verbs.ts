import { readTaskLogs } from "../../agent/exec/task-logs.ts";
import { taskDirOf } from "../../agent/exec/task-record.ts";
import type { ApiService, DaemonRequest, DaemonResults } from "../../bus/daemon-contract.ts";
import type { Service__Output } from "../../gen/docker/swarmkit/v1/Service.ts";
import type { Task__Output } from "../../gen/docker/swarmkit/v1/Task.ts";
import { serviceFromGrpc, serviceSpecToGrpc, taskFromGrpc } from "../service-convert.ts";
import { tasksDirOf } from "../state-dir.ts";
import type { DaemonContext } from "./context.ts";

/*
 * `docker service …` and the task list: each a control API call through this
 * node's manager, answered as moby's Engine API shows it.
 */

export async function serviceCreate(
  ctx: DaemonContext,
  req: DaemonRequest<"service.create">,
): Promise<DaemonResults["service.create"]> {
  const service = await ctx.access.control().createService(serviceSpecToGrpc(req.spec));
  return { id: service.id };
}

export async function serviceInspect(
  ctx: DaemonContext,
  req: DaemonRequest<"service.inspect">,
): Promise<DaemonResults["service.inspect"]> {
  const c = ctx.access.control();
  const service = await c.getService(req.ref);
  const tasks = await c.listTasks({ serviceIds: [service.id] });
  const pending = tasks
    .filter((t) => t.desired_state === "RUNNING" && t.status?.state === "PENDING" && (t.status.err ?? "") !== "")
    .map((t) => ({ t, slot: Number(t.slot) }))
    .sort((a, b) => a.slot - b.slot)
    .map(({ t, slot }) => ({
      ID: t.id,
      ...(slot > 0 ? { Slot: slot } : {}),
      ...(t.node_id ? { NodeID: t.node_id } : {}),
      Err: t.status?.err ?? "",
    }));
  return {
    service: {
      ...serviceFromGrpc(service),
      ServiceStatus: serviceStatus(service, tasks),
      ...(pending.length > 0 ? { PendingTasks: pending } : {}),
    },
  };
}

const isRunning = (t: Task__Output) => t.status?.state === "RUNNING" && t.desired_state === "RUNNING";

/**
 * moby's ServiceStatus (SK ListServiceStatuses): running = tasks RUNNING and
 * meant to run; desired = the replicas, or for a global service the tasks
 * meant to run (one per eligible node).
 */
function serviceStatus(s: Service__Output, own: readonly Task__Output[]): NonNullable<ApiService["ServiceStatus"]> {
  return {
    RunningTasks: own.filter(isRunning).length,
    DesiredTasks: s.spec?.global
      ? own.filter((t) => t.desired_state === "RUNNING").length
      : Number(s.spec?.replicated?.replicas ?? 0),
    CompletedTasks: own.filter((t) => t.status?.state === "COMPLETE").length,
  };
}

export async function serviceLs(ctx: DaemonContext): Promise<DaemonResults["service.ls"]> {
  const c = ctx.access.control();
  const [services, tasks] = await Promise.all([c.listServices(), c.listTasks({})]);
  const byService = new Map<string, Task__Output[]>();
  for (const t of tasks) {
    const own = byService.get(t.service_id);
    if (own) own.push(t);
    else byService.set(t.service_id, [t]);
  }
  return {
    services: services.map((s) => ({
      ...serviceFromGrpc(s),
      ServiceStatus: serviceStatus(s, byService.get(s.id) ?? []),
    })),
  };
}

export async function serviceUpdate(
  ctx: DaemonContext,
  req: DaemonRequest<"service.update">,
): Promise<DaemonResults["service.update"]> {
  const c = ctx.access.control();
  const current = await c.getService(req.ref);
  const service = await c.updateService({
    serviceId: current.id,
    version: String(req.version),
    spec: serviceSpecToGrpc(req.spec),
  });
  return { id: service.id };
}

export async function serviceRm(
  ctx: DaemonContext,
  req: DaemonRequest<"service.rm">,
): Promise<DaemonResults["service.rm"]> {
  const c = ctx.access.control();
  const service = await c.getService(req.ref);
  await c.removeService(service.id);
  return { id: service.id };
}

export async function taskLs(ctx: DaemonContext, req: DaemonRequest<"task.ls">): Promise<DaemonResults["task.ls"]> {
  const c = ctx.access.control();
  const [tasks, nodes, services] = await Promise.all([
    c.listTasks({
      ...(req.serviceIds ? { serviceIds: req.serviceIds } : {}),
      ...(req.nodeIds ? { nodeIds: req.nodeIds } : {}),
    }),
    c.listNodes(),
    c.listServices(),
  ]);
  const nodeNames: Record<string, string> = {};
  for (const n of nodes) nodeNames[n.id] = n.description?.hostname ?? "";
  const serviceNames: Record<string, string> = {};
  for (const s of services) serviceNames[s.id] = s.spec?.annotations?.name ?? "";
  return { tasks: tasks.map(taskFromGrpc), nodeNames, serviceNames };
}

/** Read from the agent's task files, which outlive the task's program (and an agent restart). */
export async function taskLogs(
  ctx: DaemonContext,
  req: DaemonRequest<"task.logs">,
): Promise<DaemonResults["task.logs"]> {
  const dir = tasksDirOf(ctx.rt.state.swarmDir);
  const logs = await Promise.all(
    req.taskIds.map(async (taskId) => {
      const all = await readTaskLogs(taskDirOf(dir, taskId));
      const from = req.from?.[taskId] ?? { stdout: 0, stderr: 0 };
      const total = { stdout: 0, stderr: 0 };
      const streams = { stdout: [] as typeof all, stderr: [] as typeof all };
      for (const l of all) {
        if (total[l.stream]++ >= from[l.stream]) streams[l.stream].push(l);
      }
      const tail = (ls: typeof all) => (req.tail === undefined ? ls : req.tail === 0 ? [] : ls.slice(-req.tail));
      return { taskId, lines: [...tail(streams.stdout), ...tail(streams.stderr)], total };
    }),
  );
  return { logs };
}
