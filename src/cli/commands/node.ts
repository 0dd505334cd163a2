import { Command } from "@commander-js/extra-typings";
import { z } from "zod";
import { rpcError } from "../../rpc/status.ts";
import { globals, withDaemon } from "../context.ts";
import { formatNodeLs, NodeRow } from "../format/node-ls.ts";

export function nodeCommand() {
  const node = new Command("node").description("Manage swarm nodes");

  node
    .command("ls")
    .alias("list")
    .description("List nodes in the swarm")
    .option("-q, --quiet", "only display IDs")
    .action(async (opts, cmd) => {
      const g = globals(cmd);
      const r = await withDaemon(g, (call) => call("node.ls", {}));
      const rows = z.array(NodeRow).safeParse(r.nodes);
      if (!rows.success) throw rpcError("Internal", `daemon sent a malformed node list: ${rows.error.message}`);
      process.stdout.write(`${formatNodeLs(rows.data, r.self, opts.quiet ?? false)}\n`);
    });

  node
    .command("inspect")
    .description("Display detailed information on one or more nodes")
    .argument("<node...>", "self, a node ID (or unique prefix) or a hostname")
    .action(async (refs, _opts, cmd) => {
      const g = globals(cmd);
      const nodes = await withDaemon(g, async (call) => {
        const out: unknown[] = [];
        for (const ref of refs) out.push((await call("node.inspect", { ref })).node);
        return out;
      });
      process.stdout.write(`${JSON.stringify(nodes, null, 4)}\n`);
    });

  return node;
}
