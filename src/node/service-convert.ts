import type { ApiService, ApiTask } from "../bus/daemon-contract.ts";
import type { ApiServiceSpec } from "../bus/service-contract.ts";
import type { Resources__Output } from "../gen/docker/swarmkit/v1/Resources.ts";
import type { Service__Output } from "../gen/docker/swarmkit/v1/Service.ts";
import type { ServiceSpec__Output } from "../gen/docker/swarmkit/v1/ServiceSpec.ts";
import type { Task__Output } from "../gen/docker/swarmkit/v1/Task.ts";
import type { UpdateConfig__Output } from "../gen/docker/swarmkit/v1/UpdateConfig.ts";
import type { Duration__Output } from "../gen/google/protobuf/Duration.ts";
import { given, goTime } from "./convert.ts";

/**
 * Services and tasks between moby's Engine API JSON and SwarmKit's objects
 * (MOBY: daemon/cluster/convert/service.go, task.go, container.go): enums
 * lowercased, durations as integer nanoseconds, times as Go writes them.
 */

const NS = 1_000_000_000n;

function duration(ns: number | undefined): Duration__Output | null {
  if (ns === undefined) return null;
  const n = BigInt(ns);
  return { seconds: String(n / NS), nanos: Number(n % NS) };
}

function nanos(d: Duration__Output | null | undefined): number | undefined {
  if (!d) return undefined;
  return Number(BigInt(d.seconds) * NS + BigInt(d.nanos));
}

/** Go's uint64(int64) of a JSON number: a negative one wraps, as a blind cast would, and SwarmKit refuses it. */
const uint64 = (n: number | undefined): string => BigInt.asUintN(64, BigInt(n ?? 0)).toString();

function resources(r: { NanoCPUs?: number; MemoryBytes?: number } | undefined): Resources__Output | null {
  if (!r) return null;
  return { nano_cpus: String(r.NanoCPUs ?? 0), memory_bytes: String(r.MemoryBytes ?? 0) };
}

type ApiUpdate = NonNullable<ApiServiceSpec["UpdateConfig"]>;

function updateConfig(u: ApiUpdate | undefined): UpdateConfig__Output | null {
  if (!u) return null;
  return {
    parallelism: uint64(u.Parallelism),
    delay: duration(u.Delay ?? 0),
    failure_action: (u.FailureAction ?? "pause").toUpperCase() as UpdateConfig__Output["failure_action"],
    monitor: duration(u.Monitor),
    max_failure_ratio: u.MaxFailureRatio ?? 0,
    order: u.Order === "start-first" ? "START_FIRST" : "STOP_FIRST",
  };
}

const CONDITIONS = { none: "NONE", "on-failure": "ON_FAILURE", any: "ANY" } as const;

/** MOBY ServiceSpecToGRPC. */
export function serviceSpecToGrpc(s: ApiServiceSpec): ServiceSpec__Output {
  const t = s.TaskTemplate;
  const c = t.ContainerSpec;
  const r = t.RestartPolicy;
  const p = t.Placement;
  const mode = s.Mode && "Global" in s.Mode ? ("global" as const) : ("replicated" as const);
  // moby: a replicated service without a count has 1 replica.
  const replicas = s.Mode && "Replicated" in s.Mode ? (s.Mode.Replicated.Replicas ?? 1) : 1;
  return {
    annotations: { name: s.Name ?? "", labels: { ...(s.Labels ?? {}) } },
    task: {
      container: {
        image: c.Image,
        labels: { ...(c.Labels ?? {}) },
        command: c.Command ?? [],
        args: c.Args ?? [],
        env: c.Env ?? [],
        dir: c.Dir ?? "",
        user: c.User ?? "",
        hostname: c.Hostname ?? "",
        stop_signal: c.StopSignal ?? "",
        stop_grace_period: duration(c.StopGracePeriod),
      },
      runtime: "container",
      resources:
        t.Resources === undefined
          ? null
          : { limits: resources(t.Resources.Limits), reservations: resources(t.Resources.Reservations) },
      restart: r
        ? {
            condition: CONDITIONS[r.Condition ?? "any"],
            delay: duration(r.Delay),
            max_attempts: uint64(r.MaxAttempts),
            window: duration(r.Window),
          }
        : null,
      placement: p
        ? {
            constraints: p.Constraints ?? [],
            preferences: (p.Preferences ?? []).map((x) => ({
              spread: { spread_descriptor: x.Spread.SpreadDescriptor },
              Preference: "spread" as const,
            })),
            platforms: [],
            max_replicas: uint64(p.MaxReplicas),
          }
        : null,
      force_update: uint64(t.ForceUpdate),
    },
    replicated: mode === "replicated" ? { replicas: uint64(replicas) } : null,
    global: mode === "global" ? {} : null,
    mode,
    update: updateConfig(s.UpdateConfig),
    rollback: updateConfig(s.RollbackConfig),
  };
}

const lower = (s: string | undefined | null): string => (s ?? "").toLowerCase();
const num = (s: string | number | undefined | null): number => Number(s ?? 0) || 0;

function apiResources(r: Resources__Output | null | undefined) {
  if (!r) return undefined;
  return { ...given("NanoCPUs", num(r.nano_cpus)), ...given("MemoryBytes", num(r.memory_bytes)) };
}

function apiUpdate(u: UpdateConfig__Output | null | undefined) {
  if (!u) return undefined;
  return {
    Parallelism: num(u.parallelism),
    ...given("Delay", nanos(u.delay)),
    FailureAction: lower(u.failure_action),
    ...given("Monitor", nanos(u.monitor)),
    MaxFailureRatio: u.max_failure_ratio,
    Order: u.order === "START_FIRST" ? "start-first" : "stop-first",
  };
}

/** MOBY serviceSpecFromGRPC. */
export function serviceSpecFromGrpc(
  s: ServiceSpec__Output | null | undefined,
): ApiServiceSpec & Record<string, unknown> {
  const t = s?.task;
  const c = t?.container;
  const r = t?.restart;
  const p = t?.placement;
  const labelsOf = (l: Record<string, string> | undefined) => (l && Object.keys(l).length ? { Labels: { ...l } } : {});
  return {
    Name: s?.annotations?.name ?? "",
    Labels: { ...(s?.annotations?.labels ?? {}) },
    TaskTemplate: {
      ContainerSpec: {
        Image: c?.image ?? "",
        ...labelsOf(c?.labels),
        ...(c?.command.length ? { Command: [...c.command] } : {}),
        ...(c?.args.length ? { Args: [...c.args] } : {}),
        ...given("Hostname", c?.hostname),
        ...(c?.env.length ? { Env: [...c.env] } : {}),
        ...given("Dir", c?.dir),
        ...given("User", c?.user),
        ...given("StopSignal", c?.stop_signal),
        ...given("StopGracePeriod", nanos(c?.stop_grace_period)),
      },
      Resources: {
        Limits: apiResources(t?.resources?.limits) ?? {},
        Reservations: apiResources(t?.resources?.reservations) ?? {},
      },
      ...(r
        ? {
            RestartPolicy: {
              Condition: r.condition === "ON_FAILURE" ? "on-failure" : (lower(r.condition) as "none" | "any"),
              ...given("Delay", nanos(r.delay)),
              MaxAttempts: num(r.max_attempts),
              ...given("Window", nanos(r.window)),
            },
          }
        : {}),
      ...(p
        ? {
            Placement: {
              ...(p.constraints.length ? { Constraints: [...p.constraints] } : {}),
              ...(p.preferences.length
                ? {
                    Preferences: p.preferences.map((x) => ({
                      Spread: { SpreadDescriptor: x.spread?.spread_descriptor ?? "" },
                    })),
                  }
                : {}),
              ...given("MaxReplicas", num(p.max_replicas)),
            },
          }
        : {}),
      ForceUpdate: num(t?.force_update),
    },
    Mode: s?.global ? { Global: {} } : { Replicated: { Replicas: num(s?.replicated?.replicas) } },
    ...(s?.update ? { UpdateConfig: apiUpdate(s.update) } : {}),
    ...(s?.rollback ? { RollbackConfig: apiUpdate(s.rollback) } : {}),
  } as ApiServiceSpec & Record<string, unknown>;
}

export function serviceFromGrpc(s: Service__Output): ApiService {
  const u = s.update_status;
  return {
    ID: s.id,
    Version: given("Index", num(s.meta?.version?.index)),
    CreatedAt: goTime(s.meta?.created_at),
    UpdatedAt: goTime(s.meta?.updated_at),
    Spec: serviceSpecFromGrpc(s.spec),
    ...(s.previous_spec ? { PreviousSpec: serviceSpecFromGrpc(s.previous_spec) } : {}),
    ...(u
      ? {
          UpdateStatus: {
            State: lower(u.state).replace("_", "-"),
            ...(u.started_at ? { StartedAt: goTime(u.started_at) } : {}),
            ...(u.completed_at ? { CompletedAt: goTime(u.completed_at) } : {}),
            Message: u.message,
          },
        }
      : {}),
  };
}

export function taskFromGrpc(t: Task__Output): ApiTask {
  const st = t.status;
  const cs = st?.container;
  return {
    ID: t.id,
    Version: given("Index", num(t.meta?.version?.index)),
    CreatedAt: goTime(t.meta?.created_at),
    UpdatedAt: goTime(t.meta?.updated_at),
    ...given("Name", t.annotations?.name),
    Labels: { ...(t.annotations?.labels ?? {}) },
    Spec: serviceSpecFromGrpc({ task: t.spec } as ServiceSpec__Output).TaskTemplate,
    ServiceID: t.service_id,
    ...given("Slot", num(t.slot)),
    ...given("NodeID", t.node_id),
    Status: {
      Timestamp: goTime(st?.timestamp),
      State: lower(st?.state ?? "NEW"),
      Message: st?.message ?? "",
      ...given("Err", st?.err),
      ...(cs
        ? {
            ContainerStatus: {
              ...given("ContainerID", cs.container_id),
              ...given("PID", cs.pid),
              ExitCode: cs.exit_code,
            },
          }
        : {}),
    },
    DesiredState: lower(t.desired_state),
  };
}
