import type { ApiService } from "../../bus/daemon-contract.ts";
import { type GlobalOptions, withDaemon } from "../context.ts";
import { nodeErrorText } from "../errors/node-errors.ts";
import { StatusError } from "../errors/status-error.ts";
import { TemplateError } from "../format/go-template/index.ts";
import { formatRows, parseRowFormat } from "../format/row-format.ts";
import { formatServiceLs, SERVICE_LS_COLUMNS, serviceLsContext, sortByName } from "../format/service-ls.ts";
import { filterTasks, formatTaskTable, type TaskFilters, type TaskListing } from "../format/task-table.ts";

export interface ServiceLsOptions {
  quiet?: boolean;
  format?: string;
}

/** `service ls`: docker's table (`-q` the IDs); another `--format` is a Go template over .ID .Name .Mode .Replicas .Image .Ports. */
export async function runServiceLs(g: GlobalOptions, opts: ServiceLsOptions): Promise<void> {
  const format = opts.format ?? "";
  const custom = format !== "" && format !== "table";
  let parsed: ReturnType<typeof parseRowFormat> | undefined;
  try {
    if (custom) parsed = parseRowFormat(format);
  } catch (e) {
    if (e instanceof TemplateError) throw new StatusError(e.message);
    throw e;
  }
  const { services } = await withDaemon(g, (call) => call("service.ls", {}));
  if (!parsed) {
    const text = formatServiceLs(services, opts.quiet ?? false);
    process.stdout.write(text === "" ? "" : `${text}\n`);
    return;
  }
  try {
    process.stdout.write(formatRows(parsed, sortByName(services).map(serviceLsContext), SERVICE_LS_COLUMNS));
  } catch (e) {
    if (e instanceof TemplateError) throw new StatusError(e.message);
    throw e;
  }
}

export interface TaskPsOptions {
  quiet?: boolean;
  noTrunc?: boolean;
  noResolve?: boolean;
  filter: string[];
}

/** docker's FilterOpt: `key=value`, keys lower-cased. */
export function parseFilter(value: string): string {
  const eq = value.indexOf("=");
  if (eq === -1) throw new Error("bad format of filter (expected name=value)");
  return `${value.slice(0, eq).trim().toLowerCase()}=${value.slice(eq + 1).trim()}`;
}

function taskFilters(filters: readonly string[]): TaskFilters {
  const f: TaskFilters = { desiredState: [], id: [], node: [] };
  for (const kv of filters) {
    const [k, v = ""] = [kv.slice(0, kv.indexOf("=")), kv.slice(kv.indexOf("=") + 1)];
    if (k === "desired-state") f.desiredState.push(v.toLowerCase());
    else if (k === "id") f.id.push(v);
    else if (k === "node") f.node.push(v);
    else throw new StatusError(`Error response from daemon: invalid filter '${k}'`);
  }
  return f;
}

function printTasks(l: TaskListing, opts: TaskPsOptions): void {
  const f = taskFilters(opts.filter);
  const tasks = filterTasks(l, f);
  const quiet = opts.quiet ?? false;
  const text = formatTaskTable(
    { ...l, tasks },
    { trunc: !(opts.noTrunc || quiet), quiet, noResolve: opts.noResolve ?? false, now: Date.now() },
  );
  process.stdout.write(text === "" ? "" : `${text}\n`);
}

/**
 * docker's createFilter: each reference matched against the services by full
 * ID, then full name, then ID prefix (two matches: an error); the ones
 * matching nothing are `no such service: X`.
 */
export function resolveServices(
  refs: readonly string[],
  services: readonly ApiService[],
): { ids: string[]; notFound: string[] } {
  const ids: string[] = [];
  const notFound: string[] = [];
  for (const ref of refs) {
    const exact = services.find((s) => s.ID === ref) ?? services.find((s) => s.Spec.Name === ref);
    if (exact) {
      ids.push(exact.ID);
      continue;
    }
    const byPrefix = services.filter((s) => s.ID.startsWith(ref));
    if (byPrefix.length > 1) throw new StatusError(`multiple services found with provided prefix: ${ref}`);
    if (byPrefix[0]) ids.push(byPrefix[0].ID);
    else notFound.push(`no such service: ${ref}`);
  }
  return { ids, notFound };
}

/** `service ps SERVICE…`: the tasks of the services found, then the ones not found as the error (status 1). */
export async function runServicePs(g: GlobalOptions, refs: string[], opts: TaskPsOptions): Promise<void> {
  const notFound = await withDaemon(g, async (call) => {
    const { services } = await call("service.ls", {});
    const { ids, notFound } = resolveServices(refs, services);
    if (ids.length === 0) throw new StatusError(notFound.join("\n"));
    printTasks(await call("task.ls", { serviceIds: ids }), opts);
    return notFound;
  });
  if (notFound.length > 0) throw new StatusError(notFound.join("\n"));
}

/** `node ps [NODE…]` (default self): the tasks on each node; the nodes not found are reported after. */
export async function runNodePs(g: GlobalOptions, refs: string[], opts: TaskPsOptions): Promise<void> {
  const nodes = refs.length > 0 ? refs : ["self"];
  const errors = await withDaemon(g, async (call) => {
    const errs: string[] = [];
    const ids: string[] = [];
    for (const ref of nodes) {
      try {
        const { node } = await call("node.inspect", { ref });
        ids.push((node as { ID: string }).ID);
      } catch (e) {
        errs.push(nodeErrorText(ref, e));
      }
    }
    const listing = ids.length > 0 ? await call("task.ls", { nodeIds: ids }) : undefined;
    if (listing && (errs.length === 0 || listing.tasks.length > 0)) printTasks(listing, opts);
    if (!listing && errs.length === 0) printTasks({ tasks: [], nodeNames: {}, serviceNames: {} }, opts);
    return errs;
  });
  if (errors.length > 0) throw new StatusError(errors.join("\n"));
}
