import { type GlobalOptions, withDaemon } from "../context.ts";
import { aboutNode, nodeErrorText } from "../errors/node-errors.ts";
import { StatusError } from "../errors/status-error.ts";
import { TemplateError } from "../format/go-template/index.ts";

export interface NodeInspectOptions {
  format?: string;
  pretty?: boolean;
}

/**
 * `node inspect` as docker/cli runs it: `--pretty` stops at the first failure
 * and prints nothing; otherwise every node is looked up, the found ones are
 * printed, and the failures end the command framed as docker's nested
 * StatusError (`Status: Error: No such node: x, Code: 1`).
 */
export async function runNodeInspect(g: GlobalOptions, refs: string[], opts: NodeInspectOptions): Promise<void> {
  const format = opts.pretty ? "pretty" : (opts.format ?? "");
  if (format.startsWith("pretty") && format !== "pretty") {
    throw new StatusError("Cannot supply extra formatting options to the pretty template");
  }
  if (format === "pretty") {
    const { formatNodePretty, PrettyNode } = await import("../format/node-inspect-pretty.ts");
    const text = await withDaemon(g, async (call) => {
      let out = "";
      for (const ref of refs) {
        const { node } = await aboutNode(ref, () => call("node.inspect", { ref }));
        out += `${formatNodePretty(PrettyNode.parse(node))}\n`;
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
    inspectEach(refs, template, async (ref) => (await call("node.inspect", { ref })).node, nodeErrorText),
  );
  process.stdout.write(outcome.stdout);
  if (outcome.errors.length > 0) throw new StatusError(new StatusError(outcome.errors.join("\n")).framed);
}
