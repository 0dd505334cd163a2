import { type GlobalOptions, withDaemon } from "../context.ts";
import { StatusError } from "../errors/status-error.ts";
import { parseUint64 } from "../flag-values.ts";
import { daemonText } from "./service-errors.ts";
import { waitOnService } from "./service-wait.ts";

const USAGE = "swarmbus service scale SERVICE=REPLICAS [SERVICE=REPLICAS...]";

/** docker's scaleArgs: every argument `name=value`, both sides non-empty, before anything is changed. */
export function checkScaleArgs(args: readonly string[]): void {
  for (const arg of args) {
    const eq = arg.indexOf("=");
    if (eq <= 0 || eq === arg.length - 1) {
      throw new StatusError(
        `invalid scale specifier '${arg}'.\nSee 'swarmbus service scale --help'.\n\nUsage:  ${USAGE}\n\nScale one or multiple replicated services`,
      );
    }
  }
}

/**
 * `service scale SVC=N…` as docker runs it: each service read and its
 * replicas set (`svc scaled to N`), the failures collected as `svc: <error>`;
 * then, unless -d, the converge display for each scaled service in turn.
 */
export async function runServiceScale(g: GlobalOptions, args: string[], detach: boolean): Promise<void> {
  checkScaleArgs(args);
  const errors = await withDaemon(g, async (call) => {
    const errs: string[] = [];
    const scaled: string[] = [];
    for (const arg of args) {
      const eq = arg.indexOf("=");
      const ref = arg.slice(0, eq);
      const value = arg.slice(eq + 1);
      let replicas: number;
      try {
        replicas = parseUint64(value, false);
      } catch (e) {
        errs.push(`${ref}: invalid replicas value ${value}: ${(e as Error).message}`);
        continue;
      }
      try {
        const { service } = await call("service.inspect", { ref });
        if (!service.Spec.Mode || !("Replicated" in service.Spec.Mode)) {
          throw new StatusError("scale can only be used with replicated or replicated-job mode");
        }
        await call("service.update", {
          ref: service.ID,
          version: service.Version.Index ?? 0,
          spec: { ...service.Spec, Mode: { Replicated: { Replicas: replicas } } },
        });
      } catch (e) {
        errs.push(`${ref}: ${daemonText(e)}`);
        continue;
      }
      process.stdout.write(`${ref} scaled to ${replicas}\n`);
      scaled.push(ref);
    }
    if (!detach) {
      for (const ref of scaled) {
        try {
          await waitOnService(call, ref);
        } catch (e) {
          errs.push(`${ref}: ${daemonText(e)}`);
        }
      }
    }
    return errs;
  });
  if (errors.length > 0) throw new StatusError(errors.join("\n"));
}
