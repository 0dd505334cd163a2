import type { ApiService, ApiTask, DaemonRequest, DaemonResults, DaemonVerb } from "../../bus/daemon-contract.ts";
import { StatusError } from "../errors/status-error.ts";
import { PlainProgress, TerminalProgress } from "../format/progress-render.ts";
import { ConvergeWatch, DEFAULT_MONITOR_MS, DEFAULT_STALL_MS } from "../format/service-converge.ts";
import { parseGoDuration } from "../go-duration.ts";

type Call = <V extends DaemonVerb>(verb: V, req: DaemonRequest<V>) => Promise<DaemonResults[V]>;

/** docker polls the service and its tasks every 200 ms. */
const POLL_MS = 200;

/**
 * SWARMBUS_VERIFY_MONITOR (a Go duration) replaces docker's 5 s verify wait
 * for services whose UpdateConfig sets no Monitor: the CLI cannot tell the
 * daemons' timing profile, so a fast-profile demo or test says it here (or
 * creates the service with `--update-monitor`, docker's own flag).
 */
function defaultMonitorMs(): number {
  const env = process.env.SWARMBUS_VERIFY_MONITOR;
  if (env === undefined || env === "") return DEFAULT_MONITOR_MS;
  try {
    return Math.max(0, parseGoDuration(env));
  } catch (e) {
    throw new StatusError(`SWARMBUS_VERIFY_MONITOR: ${(e as Error).message}`);
  }
}

/** moby's `_up-to-date` task filter for `service update`: tasks made from the service's current task spec. */
function upToDate(service: ApiService, t: ApiTask): boolean {
  return canonical(t.Spec) === canonical(service.Spec.TaskTemplate);
}

function canonical(v: unknown): string {
  const strip = (x: unknown): unknown => {
    if (Array.isArray(x)) return x.length === 0 ? undefined : x.map(strip);
    if (x !== null && typeof x === "object") {
      const entries = Object.entries(x)
        .map(([k, y]) => [k, strip(y)] as const)
        .filter(([, y]) => y !== undefined && y !== 0 && y !== "")
        .sort(([a], [b]) => a.localeCompare(b));
      return entries.length === 0 ? undefined : Object.fromEntries(entries);
    }
    return x ?? undefined;
  };
  return JSON.stringify(strip(v) ?? null);
}

export interface WaitOptions {
  /** `-q`: wait, show nothing. */
  quiet?: boolean;
  /** Only the tasks of the current spec count (after `service update`). */
  upToDateOnly?: boolean;
}

/**
 * docker's WaitOnService: the converge display until the service has run
 * stable for the verify wait, its update pauses, nothing can be scheduled, or
 * Ctrl-C (which leaves the service converging and ends with status 0).
 */
export async function waitOnService(call: Call, ref: string, opts: WaitOptions = {}): Promise<void> {
  const out = (s: string) => void process.stdout.write(s);
  const view = opts.quiet
    ? { show: () => {} }
    : process.stdout.isTTY
      ? new TerminalProgress(out, process.stdout.columns ?? 200)
      : new PlainProgress(out);
  const watch = new ConvergeWatch({
    ref,
    defaultMonitorMs: defaultMonitorMs(),
    stallMs: DEFAULT_STALL_MS,
    cli: "swarmbus",
  });
  let interrupted = false;
  let wake: (() => void) | undefined;
  const onSigint = () => {
    interrupted = true;
    wake?.();
  };
  process.on("SIGINT", onSigint);
  try {
    for (;;) {
      const { service } = await call("service.inspect", { ref });
      const [{ tasks }, { nodes }] = await Promise.all([
        call("task.ls", { serviceIds: [service.ID] }),
        call("node.ls", {}),
      ]);
      const active = new Set(
        (nodes as { ID?: string; Status?: { State?: string } }[])
          .filter((n) => n.Status?.State !== "down" && typeof n.ID === "string")
          .map((n) => n.ID as string),
      );
      const mine = opts.upToDateOnly ? tasks.filter((t) => upToDate(service, t)) : tasks;
      const step = watch.step(service, mine, active, Date.now());
      for (const m of step.messages) view.show(m);
      if (step.outcome?.kind === "converged") return;
      if (step.outcome?.kind === "failed") throw new StatusError(step.outcome.text);
      if (!interrupted) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, POLL_MS);
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
      }
      if (interrupted) {
        for (const m of watch.interrupt()) view.show(m);
        return;
      }
    }
  } finally {
    process.off("SIGINT", onSigint);
  }
}
