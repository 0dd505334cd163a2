import { z } from "zod";

/** The fields of moby's swarm.Service (as `service.ls` returns it, with ServiceStatus) that the dashboard shows. */
const ApiServiceRow = z.object({
  ID: z.string(),
  Spec: z.object({
    Name: z.string().default(""),
    TaskTemplate: z.object({ ContainerSpec: z.object({ Image: z.string().default("") }).optional() }).optional(),
    Mode: z
      .object({ Replicated: z.object({ Replicas: z.number().optional() }).optional(), Global: z.object({}).optional() })
      .optional(),
  }),
  ServiceStatus: z.object({ RunningTasks: z.number(), DesiredTasks: z.number() }).optional(),
});

/** The fields of moby's swarm.Task (as `task.ls` returns it) that the dashboard shows. */
const ApiTaskRow = z.object({
  ID: z.string(),
  ServiceID: z.string(),
  Slot: z.number().optional(),
  NodeID: z.string().optional(),
  DesiredState: z.string().default(""),
  Status: z.object({
    Timestamp: z.string().default(""),
    State: z.string().default(""),
    Message: z.string().default(""),
    Err: z.string().optional(),
  }),
});

export interface ServiceView {
  id: string;
  name: string;
  mode: "replicated" | "global";
  /** `service ls`'s REPLICAS: tasks running and meant to run, out of the replicas (global: the tasks meant to run). */
  running: number;
  desired: number;
  image: string;
}

export interface TaskView {
  id: string;
  /** As `service ps` names it: `web.2`, or `web.<nodeId>` for a global service's task. */
  name: string;
  serviceId: string;
  service: string;
  /** 0 for a global service's task. */
  slot: number;
  /** "" while the scheduler has not placed it. */
  nodeId: string;
  /** The node's hostname, or its ID when the node list does not name it. */
  node: string;
  desiredState: string;
  state: string;
  message: string;
  /** The whole error (a PENDING task's `no suitable node (…)`), never cut. */
  error: string;
  time: string;
  /** Meant to run or still running: what the cluster map draws on its node (history rows are not). */
  live: boolean;
}

export interface ServicesView {
  /** The daemon whose answer these are, or null before one answered. */
  source: string | null;
  /** The control API's error when the last poll failed; services and tasks are then the last known. */
  error: string | null;
  time: string | null;
  /** By name. */
  services: ServiceView[];
  /** By service name, slot (or node), then newest first: a slot's running task above its history. */
  tasks: TaskView[];
}

export const emptyServices = (): ServicesView => ({ source: null, error: null, time: null, services: [], tasks: [] });

/** Desired states a task keeps while it is meant to run (SwarmKit: desired ≤ RUNNING). */
const MEANT_TO_RUN = new Set(["new", "pending", "assigned", "accepted", "preparing", "ready", "starting", "running"]);
/** Observed states of a task that has not stopped yet. */
const NOT_STOPPED = new Set(["assigned", "accepted", "preparing", "ready", "starting", "running"]);

const natural = (a: string, b: string) => a.localeCompare(b, "en", { numeric: true });

export function serviceViews(services: readonly unknown[]): ServiceView[] {
  const out: ServiceView[] = [];
  for (const s of services) {
    const p = ApiServiceRow.safeParse(s);
    if (!p.success) continue;
    const r = p.data;
    const global = r.Spec.Mode?.Global !== undefined;
    out.push({
      id: r.ID,
      name: r.Spec.Name,
      mode: global ? "global" : "replicated",
      running: r.ServiceStatus?.RunningTasks ?? 0,
      desired: r.ServiceStatus?.DesiredTasks ?? (global ? 0 : (r.Spec.Mode?.Replicated?.Replicas ?? 0)),
      image: r.Spec.TaskTemplate?.ContainerSpec?.Image ?? "",
    });
  }
  return out.sort((a, b) => natural(a.name, b.name) || a.id.localeCompare(b.id));
}

/** Rows from a `task.ls` result and the names it came with; rows that do not parse are skipped. */
export function taskViews(
  tasks: readonly unknown[],
  nodeNames: Readonly<Record<string, string>>,
  serviceNames: Readonly<Record<string, string>>,
): TaskView[] {
  const out: TaskView[] = [];
  for (const t of tasks) {
    const p = ApiTaskRow.safeParse(t);
    if (!p.success) continue;
    const r = p.data;
    const service = serviceNames[r.ServiceID] || r.ServiceID;
    const slot = r.Slot ?? 0;
    const nodeId = r.NodeID ?? "";
    const node = nodeId === "" ? "" : nodeNames[nodeId] || nodeId;
    const state = r.Status.State;
    out.push({
      id: r.ID,
      name: slot > 0 ? `${service}.${slot}` : `${service}.${nodeId}`,
      serviceId: r.ServiceID,
      service,
      slot,
      nodeId,
      node,
      desiredState: r.DesiredState,
      state,
      message: r.Status.Message,
      error: r.Status.Err ?? "",
      time: r.Status.Timestamp,
      live: MEANT_TO_RUN.has(r.DesiredState) || NOT_STOPPED.has(state),
    });
  }
  return out.sort(
    (a, b) =>
      natural(a.service, b.service) ||
      a.slot - b.slot ||
      // A global service's tasks have no slot: its node stands for one.
      (a.slot === 0 ? natural(a.nodeId, b.nodeId) : 0) ||
      (a.time < b.time ? 1 : a.time > b.time ? -1 : 0) ||
      a.id.localeCompare(b.id),
  );
}
