import type { Command, OptionValues } from "@commander-js/extra-typings";
import type { ApiServiceSpec } from "../../bus/service-contract.ts";
import { type GlobalOptions, withDaemon } from "../context.ts";
import { StatusError } from "../errors/status-error.ts";
import { flagValue, flagValues, parseUint64Flag, validateEnv } from "../flag-values.ts";
import { daemonText } from "./service-errors.ts";
import { waitOnService } from "./service-wait.ts";

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

/** The `service update` flags swarmbus has so far (docker: update.go). */
export function withUpdateFlags<A extends unknown[], O extends OptionValues, G extends OptionValues>(
  cmd: Command<A, O, G>,
  path: string,
) {
  return cmd
    .option("-d, --detach", "Exit immediately instead of waiting for the service to converge")
    .option("-q, --quiet", "Suppress progress output")
    .option("--replicas <uint>", "Number of tasks", flagValue("--replicas", path, parseUint64Flag))
    .option(
      "--env-add <list>",
      "Add or update an environment variable",
      flagValues("--env-add", path, validateEnv),
      [] as string[],
    )
    .option("--env-rm <list>", "Remove an environment variable", collect, [] as string[])
    .option("--constraint-add <list>", "Add or update a placement constraint", collect, [] as string[])
    .option("--constraint-rm <list>", "Remove a constraint", collect, [] as string[]);
}

export interface ServiceUpdateOptions {
  detach?: boolean;
  quiet?: boolean;
  image?: string;
  force?: boolean;
  replicas?: number;
  envAdd: string[];
  envRm: string[];
  constraintAdd: string[];
  constraintRm: string[];
}

const envKey = (e: string) => e.split("=", 1)[0] as string;

/** docker's updateService for the flags above: the current spec with the changes applied. */
export function updatedSpec(current: ApiServiceSpec, o: ServiceUpdateOptions): ApiServiceSpec {
  const spec: ApiServiceSpec = structuredClone(current);
  const c = spec.TaskTemplate.ContainerSpec;
  if (o.image !== undefined) c.Image = o.image;
  if (o.envRm.length > 0 || o.envAdd.length > 0) {
    const rm = new Set(o.envRm.map(envKey));
    const env = new Map<string, string>();
    for (const e of c.Env ?? []) if (!rm.has(envKey(e))) env.set(envKey(e), e);
    for (const e of o.envAdd) env.set(envKey(e), e);
    // docker rebuilds the list from a Go map (any order); sorted here so the spec does not change for nothing.
    c.Env = [...env.keys()].sort().map((k) => env.get(k) as string);
  }
  if (o.constraintAdd.length > 0 || o.constraintRm.length > 0) {
    const rm = new Set(o.constraintRm);
    const placement = { ...(spec.TaskTemplate.Placement ?? {}) };
    placement.Constraints = [...(placement.Constraints ?? []), ...o.constraintAdd].filter((x) => !rm.has(x)).sort();
    spec.TaskTemplate.Placement = placement;
  }
  if (o.replicas !== undefined) {
    if (!spec.Mode || !("Replicated" in spec.Mode)) {
      throw new StatusError("replicas can only be used with replicated or replicated-job mode");
    }
    spec.Mode = { Replicated: { Replicas: o.replicas } };
  }
  if (o.force) spec.TaskTemplate.ForceUpdate = (spec.TaskTemplate.ForceUpdate ?? 0) + 1;
  return spec;
}

/** `service update`: the ref echoed, then unless -d the converge display of the new spec's tasks. */
export async function runServiceUpdate(g: GlobalOptions, ref: string, o: ServiceUpdateOptions): Promise<void> {
  await withDaemon(g, async (call) => {
    try {
      const { service } = await call("service.inspect", { ref });
      const spec = updatedSpec(service.Spec, o);
      await call("service.update", { ref: service.ID, version: service.Version.Index ?? 0, spec });
    } catch (e) {
      throw new StatusError(daemonText(e));
    }
    process.stdout.write(`${ref}\n`);
    if (!o.detach) await waitOnService(call, ref, { quiet: o.quiet ?? false, upToDateOnly: true });
  });
}
