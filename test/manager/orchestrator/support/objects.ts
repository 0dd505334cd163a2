import type { Node__Output } from "../../../../src/gen/docker/swarmkit/v1/Node.ts";
import type { Service__Output } from "../../../../src/gen/docker/swarmkit/v1/Service.ts";
import type { Task__Output } from "../../../../src/gen/docker/swarmkit/v1/Task.ts";
import type { TaskState__Output } from "../../../../src/gen/docker/swarmkit/v1/TaskState.ts";
import type { TaskPlan } from "../../../../src/manager/control-loop/task-changes.ts";
import type { ReadTx } from "../../../../src/manager/store.ts";

/** Plain objects for the cores' tests: only the fields they read. */
export interface NodeOpts {
  state?: "READY" | "DOWN" | "UNKNOWN";
  availability?: "ACTIVE" | "PAUSE" | "DRAIN";
  role?: "WORKER" | "MANAGER";
  hostname?: string;
  labels?: Record<string, string>;
  engineLabels?: Record<string, string>;
  cpus?: number;
  memoryBytes?: number;
  os?: string;
  arch?: string;
  version?: number;
}

export function node(id: string, o: NodeOpts = {}): Node__Output {
  return {
    id,
    meta: { version: { index: String(o.version ?? 1) }, created_at: null, updated_at: null },
    spec: {
      annotations: { name: "", labels: o.labels ?? {} },
      desired_role: o.role ?? "WORKER",
      membership: "ACCEPTED",
      availability: o.availability ?? "ACTIVE",
    },
    description: {
      hostname: o.hostname ?? id,
      platform: { os: o.os ?? "linux", architecture: o.arch ?? "x86_64" },
      resources: { nano_cpus: String((o.cpus ?? 4) * 1e9), memory_bytes: String(o.memoryBytes ?? 8 * 2 ** 30) },
      engine: { engine_version: "", labels: o.engineLabels ?? {} },
      tls_info: null,
      fips: false,
    },
    status: { state: o.state ?? "READY", message: "", addr: "127.0.0.1" },
    manager_status: null,
    certificate: null,
    role: o.role ?? "WORKER",
  } as unknown as Node__Output;
}

export interface ServiceOpts {
  replicas?: number;
  global?: boolean;
  constraints?: string[];
  restart?: { condition?: "NONE" | "ON_FAILURE" | "ANY"; delayMs?: number; maxAttempts?: number; windowMs?: number };
  cpus?: number;
  memoryBytes?: number;
  maxReplicas?: number;
  specVersion?: number;
}

const duration = (ms: number) => ({ seconds: String(Math.floor(ms / 1000)), nanos: (ms % 1000) * 1e6 });

export function service(id: string, o: ServiceOpts = {}): Service__Output {
  const r = o.restart;
  return {
    id,
    meta: { version: { index: String(o.specVersion ?? 1) }, created_at: null, updated_at: null },
    spec: {
      annotations: { name: id, labels: {} },
      task: {
        container: { image: "sh" },
        resources:
          o.cpus || o.memoryBytes
            ? {
                limits: null,
                reservations: { nano_cpus: String((o.cpus ?? 0) * 1e9), memory_bytes: String(o.memoryBytes ?? 0) },
              }
            : null,
        restart: r
          ? {
              condition: r.condition ?? "ANY",
              delay: r.delayMs === undefined ? null : duration(r.delayMs),
              max_attempts: String(r.maxAttempts ?? 0),
              window: r.windowMs === undefined ? null : duration(r.windowMs),
            }
          : null,
        placement: {
          constraints: o.constraints ?? [],
          preferences: [],
          platforms: [],
          max_replicas: String(o.maxReplicas ?? 0),
        },
        force_update: "",
        runtime: "container",
      },
      ...(o.global
        ? { global: {}, mode: "global" }
        : { replicated: { replicas: String(o.replicas ?? 1) }, mode: "replicated" }),
      update: null,
      rollback: null,
    },
    update_status: null,
    previous_spec: null,
    pending_delete: false,
    spec_version: { index: String(o.specVersion ?? 1) },
    previous_spec_version: null,
  } as unknown as Service__Output;
}

const ts = (ms: number) => ({ seconds: String(Math.floor(ms / 1000)), nanos: (ms % 1000) * 1e6 });

export interface TaskOpts {
  slot?: number;
  nodeId?: string;
  state?: TaskState__Output;
  desired?: TaskState__Output;
  atMs?: number;
  createdMs?: number;
  specVersion?: number;
  version?: number;
}

export function task(id: string, s: Service__Output, o: TaskOpts = {}): Task__Output {
  return {
    id,
    meta: {
      version: { index: String(o.version ?? 1) },
      created_at: ts(o.createdMs ?? o.atMs ?? 0),
      updated_at: null,
    },
    spec: s.spec?.task ?? null,
    spec_version: { index: String(o.specVersion ?? Number(s.spec_version?.index ?? "1")) },
    service_id: s.id,
    slot: String(o.slot ?? 0),
    node_id: o.nodeId ?? "",
    annotations: { name: "", labels: {} },
    service_annotations: s.spec?.annotations ?? null,
    status: {
      timestamp: ts(o.atMs ?? 0),
      state: o.state ?? "RUNNING",
      message: "",
      err: "",
      applied_by: "",
      applied_at: null,
    },
    desired_state: o.desired ?? "RUNNING",
  } as unknown as Task__Output;
}

/** A ReadTx over plain arrays (what the cores read of a store). */
export function readTx(objs: { nodes?: Node__Output[]; services?: Service__Output[]; tasks?: Task__Output[] }): ReadTx {
  const nodes = objs.nodes ?? [];
  const services = objs.services ?? [];
  const tasks = objs.tasks ?? [];
  return {
    node: (id) => nodes.find((n) => n.id === id),
    nodes: () => nodes,
    task: (id) => tasks.find((t) => t.id === id),
    tasks: () => tasks,
    tasksOfService: (id) => tasks.filter((t) => t.service_id === id),
    tasksOfNode: (id) => tasks.filter((t) => t.node_id === id),
    service: (id) => services.find((s) => s.id === id),
    services: () => services,
    cluster: () => undefined,
  };
}

/** Ids t1, t2 … for new tasks. */
export function ids(prefix = "new") {
  let n = 0;
  return () => `${prefix}${++n}`;
}

/** The plan's changes, short: `create new1 slot 2`, `update t1 desired=REMOVE` … */
export function summary(plan: TaskPlan): string[] {
  return plan.changes().map((c) => {
    if (c.op === "create") {
      const where = c.task.node_id ? `node ${c.task.node_id}` : `slot ${c.task.slot}`;
      return `create ${c.task.id} ${where} desired=${c.task.desired_state}`;
    }
    if (c.op === "delete") return `delete ${c.base.id}`;
    const parts: string[] = [];
    if (c.task.desired_state !== c.base.desired_state) parts.push(`desired=${c.task.desired_state}`);
    if (c.task.status?.state !== c.base.status?.state) parts.push(`state=${c.task.status?.state}`);
    if (c.task.node_id !== c.base.node_id) parts.push(`node=${c.task.node_id}`);
    if (c.task.status?.err !== c.base.status?.err) parts.push(`err=${c.task.status?.err}`);
    return `update ${c.base.id} ${parts.join(" ")}`;
  });
}
