import type { ApiServiceSpec } from "../bus/service-contract.ts";
import { StatusError } from "./errors/status-error.ts";
import { kvMap } from "./flag-values.ts";

/**
 * `service create`'s flags, already parsed to their values (durations in
 * nanoseconds, CPUs in NanoCPUs, memory in bytes); a flag not given is
 * undefined, as pflag's Changed() tells docker.
 */
export interface ServiceFlags {
  image: string;
  args: string[];
  name?: string;
  mode?: string;
  replicas?: number;
  maxReplicas?: number;
  constraint: string[];
  placementPref: string[];
  env: string[];
  workdir?: string;
  user?: string;
  hostname?: string;
  label: string[];
  containerLabel: string[];
  limitCpu?: number;
  limitMemory?: number;
  reserveCpu?: number;
  reserveMemory?: number;
  restartCondition?: string;
  restartDelay?: number;
  restartMaxAttempts?: number;
  restartWindow?: number;
  stopSignal?: string;
  stopGracePeriod?: number;
  entrypoint?: string[];
  updateMonitor?: number;
}

/** SwarmKit's defaults (api/defaults/service.go) that docker fills in when any flag of a group is given. */
const DEFAULT_RESTART_DELAY_NS = 5_000_000_000;
const DEFAULT_UPDATE = { Parallelism: 1, FailureAction: "pause", Monitor: 5_000_000_000, Order: "stop-first" } as const;

/** docker's placementPrefOpts.Set. */
export function parsePlacementPref(value: string): { Spread: { SpreadDescriptor: string } } {
  const eq = value.indexOf("=");
  const strategy = eq === -1 ? "" : value.slice(0, eq);
  if (eq === -1 || strategy === "") throw new Error('placement preference must be of the format "<strategy>=<arg>"');
  if (strategy !== "spread") throw new Error(`unsupported placement preference ${strategy} (only spread is supported)`);
  return { Spread: { SpreadDescriptor: value.slice(eq + 1) } };
}

/** docker's ToServiceMode, for the two modes a process can run in (jobs are refused as unknown). */
function serviceMode(f: ServiceFlags): NonNullable<ApiServiceSpec["Mode"]> {
  switch (f.mode ?? "replicated") {
    case "global":
      if (f.replicas !== undefined)
        throw new StatusError("replicas can only be used with replicated or replicated-job mode");
      if ((f.maxReplicas ?? 0) > 0)
        throw new StatusError("replicas-max-per-node can only be used with replicated or replicated-job mode");
      return { Global: {} };
    case "replicated":
      // docker leaves Replicas nil and moby's daemon reads nil as 1; the daemon here wants it said.
      return { Replicated: { Replicas: f.replicas ?? 1 } };
    default:
      throw new StatusError(`unknown mode: ${f.mode}, only replicated and global supported`);
  }
}

/** docker's makeEnv: in order, a later NAME=… replacing an earlier one, exact repeats dropped. */
function makeEnv(env: readonly string[]): string[] {
  let out: string[] = [];
  for (const e of env) {
    if (out.includes(e)) continue;
    const k = e.split("=", 1)[0] as string;
    out = out.filter((c) => !c.startsWith(`${k}=`));
    out.push(e);
  }
  return out;
}

const nonEmpty = <T extends object>(o: T): T | undefined => (Object.keys(o).length > 0 ? o : undefined);

/** docker's serviceOptions.ToService: the spec `service create` sends. */
export function serviceSpecFromFlags(f: ServiceFlags): ApiServiceSpec {
  const mode = serviceMode(f);
  const env = makeEnv(f.env);
  const labels = kvMap(f.label);
  const containerLabels = kvMap(f.containerLabel);
  const restart =
    f.restartCondition !== undefined ||
    f.restartDelay !== undefined ||
    f.restartMaxAttempts !== undefined ||
    f.restartWindow !== undefined
      ? {
          Condition: (f.restartCondition ?? "any") as "none" | "on-failure" | "any",
          Delay: f.restartDelay ?? DEFAULT_RESTART_DELAY_NS,
          MaxAttempts: f.restartMaxAttempts ?? 0,
          ...(f.restartWindow !== undefined ? { Window: f.restartWindow } : {}),
        }
      : undefined;
  const placement = nonEmpty({
    ...(f.constraint.length ? { Constraints: [...f.constraint] } : {}),
    ...(f.placementPref.length ? { Preferences: f.placementPref.map(parsePlacementPref) } : {}),
    ...(f.maxReplicas ? { MaxReplicas: f.maxReplicas } : {}),
  });
  const limits = {
    ...(f.limitCpu ? { NanoCPUs: f.limitCpu } : {}),
    ...(f.limitMemory ? { MemoryBytes: f.limitMemory } : {}),
  };
  const reservations = {
    ...(f.reserveCpu ? { NanoCPUs: f.reserveCpu } : {}),
    ...(f.reserveMemory ? { MemoryBytes: f.reserveMemory } : {}),
  };
  return {
    ...(f.name ? { Name: f.name } : {}),
    ...(Object.keys(labels).length ? { Labels: labels } : {}),
    TaskTemplate: {
      ContainerSpec: {
        Image: f.image,
        ...(Object.keys(containerLabels).length ? { Labels: containerLabels } : {}),
        ...(f.entrypoint?.length ? { Command: [...f.entrypoint] } : {}),
        ...(f.args.length ? { Args: [...f.args] } : {}),
        ...(f.hostname ? { Hostname: f.hostname } : {}),
        ...(env.length ? { Env: env } : {}),
        ...(f.workdir ? { Dir: f.workdir } : {}),
        ...(f.user ? { User: f.user } : {}),
        ...(f.stopSignal ? { StopSignal: f.stopSignal } : {}),
        ...(f.stopGracePeriod !== undefined ? { StopGracePeriod: f.stopGracePeriod } : {}),
      },
      Resources: { Limits: limits, Reservations: reservations },
      ...(restart ? { RestartPolicy: restart } : {}),
      ...(placement ? { Placement: placement } : {}),
    },
    Mode: mode,
    ...(f.updateMonitor !== undefined ? { UpdateConfig: { ...DEFAULT_UPDATE, Monitor: f.updateMonitor } } : {}),
  };
}
