import { isRpcError, toRpcError } from "../../rpc/status.ts";
import { type GlobalOptions, withDaemon } from "../context.ts";
import { StatusError } from "../errors/status-error.ts";
import { TemplateError } from "../format/go-template/index.ts";

export interface ServiceInspectOptions {
  format?: string;
  pretty?: boolean;
}

/** docker's getRef for services: a NotFound is `no such service: <ref as typed>`, anything else the daemon's error. */
export function serviceErrorText(ref: string, e: unknown): string {
  if (e instanceof StatusError) return e.status;
  if (isRpcError(e, "NotFound")) return `no such service: ${ref}`;
  return toRpcError(e).dockerText;
}

/**
 * `service inspect` as docker/cli runs it: the JSON array of the services
 * found (or a Go template per service); the failures after, framed as
 * docker's nested StatusError. `--pretty` stops at the first failure.
 */
export async function runServiceInspect(g: GlobalOptions, refs: string[], opts: ServiceInspectOptions): Promise<void> {
  if (opts.pretty && (opts.format ?? "") !== "")
    throw new StatusError("--format is incompatible with human friendly format");
  const format = opts.pretty ? "pretty" : (opts.format ?? "");
  if (format.startsWith("pretty") && format !== "pretty") {
    throw new StatusError("cannot supply extra formatting options to the pretty template");
  }
  if (format === "pretty") {
    const { formatServicePretty } = await import("../format/service-inspect-pretty.ts");
    const text = await withDaemon(g, async (call) => {
      let out = "";
      for (const ref of refs) {
        try {
          const { service } = await call("service.inspect", { ref });
          out += `${formatServicePretty(service, Date.now())}\n`;
        } catch (e) {
          throw new StatusError(serviceErrorText(ref, e));
        }
      }
      return out;
    });
    process.stdout.write(text);
    return;
  }
  const { inspectEach, inspectTemplate } = await import("../format/inspector.ts");
  let template: ReturnType<typeof inspectTemplate>;
  try {
    template = inspectTemplate(format);
  } catch (e) {
    if (e instanceof TemplateError) throw new StatusError(new StatusError(e.message, 64).framed);
    throw e;
  }
  const outcome = await withDaemon(g, (call) =>
    inspectEach(refs, template, async (ref) => (await call("service.inspect", { ref })).service, serviceErrorText),
  );
  process.stdout.write(outcome.stdout);
  if (outcome.errors.length > 0) throw new StatusError(new StatusError(outcome.errors.join("\n")).framed);
}
