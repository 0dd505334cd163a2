import { rpcError } from "../../rpc/status.ts";
import { type GlobalOptions, withDaemon } from "../context.ts";
import { StatusError } from "../errors/status-error.ts";
import { TemplateError } from "../format/go-template/index.ts";

export interface NodeLsOptions {
  quiet?: boolean;
  format?: string;
}

/**
 * `node ls`: docker's table by default (`--format table` too, `-q` the IDs);
 * any other `--format` is a Go template over docker's node row fields (.ID
 * .Self .Hostname .Status .Availability .ManagerStatus .EngineVersion
 * .TLSStatus), with a header row when it starts with `table`.
 */
export async function runNodeLs(g: GlobalOptions, opts: NodeLsOptions): Promise<void> {
  const format = opts.format ?? "";
  const custom = format !== "" && format !== "table";
  const [{ z }, ls, ctx, rowFormat] = await Promise.all([
    import("zod"),
    import("../format/node-ls.ts"),
    import("../format/node-ls-context.ts"),
    import("../format/row-format.ts"),
  ]);
  let parsed: ReturnType<typeof rowFormat.parseRowFormat> | undefined;
  try {
    if (custom) parsed = rowFormat.parseRowFormat(format);
  } catch (e) {
    if (e instanceof TemplateError) throw new StatusError(e.message);
    throw e;
  }
  // TLSStatus compares each node's trust root with the cluster's, which only `info` has.
  const wantsTLS = custom && /TLSStatus|json/.test(format);
  const { r, clusterTLS } = await withDaemon(g, async (call) => {
    const r = await call("node.ls", {});
    const cluster = wantsTLS ? ((await call("info", {})).Cluster as { TLSInfo?: unknown } | null) : null;
    return { r, clusterTLS: cluster?.TLSInfo };
  });
  const checked = z.array(ls.NodeRow).safeParse(r.nodes);
  if (!checked.success) throw rpcError("Internal", `daemon sent a malformed node list: ${checked.error.message}`);
  const nodes = checked.data;
  if (!parsed) {
    process.stdout.write(`${ls.formatNodeLs(nodes, r.self, opts.quiet ?? false)}\n`);
    return;
  }
  const rows = ls.sortByHostname(nodes).map((n) => ctx.nodeLsContext(n, r.self, clusterTLS));
  try {
    process.stdout.write(rowFormat.formatRows(parsed, rows, ctx.NODE_LS_COLUMNS));
  } catch (e) {
    if (e instanceof TemplateError) throw new StatusError(e.message);
    throw e;
  }
}
