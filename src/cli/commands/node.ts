import { Command, Option } from "@commander-js/extra-typings";
import { missingLabelMessage } from "../../manager/controlapi/node-labels.ts";
import { globals, withDaemon } from "../context.ts";
import { aboutNode, nodeErrorText } from "../errors/node-errors.ts";
import { flagValues } from "../flag-values.ts";
import { runNodeInspect } from "./node-inspect.ts";
import { runNodeLs } from "./node-ls.ts";
import { setRole } from "./node-role.ts";
import { parseFilter, runNodePs } from "./service-list.ts";

/** A repeatable option's values, in the order given. */
const collect = (value: string, previous: string[]): string[] => [...previous, value];

export function nodeCommand() {
  const node = new Command("node").description("Manage swarm nodes");

  node
    .command("ls")
    .alias("list")
    .description("List nodes in the swarm")
    .option("-q, --quiet", "only display IDs")
    .option("--format <format>", "pretty-print nodes using a Go template")
    .action(async (opts, cmd) => {
      await runNodeLs(globals(cmd), opts);
    });

  node
    .command("inspect")
    .description("Display detailed information on one or more nodes")
    .argument("<node...>", "self, a node ID (or unique prefix) or a hostname")
    .option("-f, --format <format>", "format the output using the given Go template")
    .option("--pretty", "print the information in a human friendly format")
    .action(async (refs, opts, cmd) => {
      await runNodeInspect(globals(cmd), refs, opts);
    });

  node
    .command("ps")
    .description("List tasks running on one or more nodes, defaults to current node")
    .argument("[node...]", "self (the default), a node ID (or unique prefix) or a hostname")
    .option("-q, --quiet", "only display task IDs")
    .option("--no-trunc", "do not truncate output")
    .option("--no-resolve", "do not map IDs to names")
    .option(
      "-f, --filter <filter>",
      "filter output based on conditions provided",
      flagValues("-f, --filter", "swarmbus node ps", parseFilter),
      [] as string[],
    )
    .action(async (refs, opts, cmd) => {
      await runNodePs(globals(cmd), refs, {
        quiet: opts.quiet,
        noTrunc: opts.trunc === false,
        noResolve: opts.resolve === false,
        filter: opts.filter,
      });
    });

  node
    .command("promote")
    .description("Promote one or more nodes to manager in the swarm")
    .argument("<node...>", "node ID (or unique prefix) or hostname")
    .action(async (refs, _opts, cmd) => {
      // docker: one node at a time, printing as it goes; the first error ends the command.
      await withDaemon(globals(cmd), async (call) => {
        for (const ref of refs) {
          const { id, changed } = await setRole(call, ref, "manager");
          process.stdout.write(
            changed ? `Node ${ref} promoted to a manager in the swarm.\n` : `Node ${id} is already a manager.\n`,
          );
        }
      });
    });

  node
    .command("demote")
    .description("Demote one or more nodes from manager in the swarm")
    .argument("<node...>", "node ID (or unique prefix) or hostname")
    .action(async (refs, _opts, cmd) => {
      await withDaemon(globals(cmd), async (call) => {
        for (const ref of refs) {
          const { id, changed } = await setRole(call, ref, "worker");
          process.stdout.write(
            changed ? `Manager ${ref} demoted in the swarm.\n` : `Node ${id} is already a worker.\n`,
          );
        }
      });
    });

  node
    .command("update")
    .description("Update a node")
    .addOption(
      new Option("--availability <availability>", 'availability of the node ("active", "pause", "drain")').choices([
        "active",
        "pause",
        "drain",
      ] as const),
    )
    .addOption(
      new Option("--role <role>", 'role of the node ("worker", "manager")').choices(["worker", "manager"] as const),
    )
    .option("--label-add <key=value>", "add or update a node label (key=value)", collect, [] as string[])
    .option("--label-rm <key>", "remove a node label if exists", collect, [] as string[])
    .argument("<node>", "node ID (or unique prefix) or hostname")
    .action(async (ref, opts, cmd) => {
      const r = await withDaemon(globals(cmd), (call) =>
        aboutNode(ref, () =>
          call("node.update", {
            ref,
            ...(opts.availability ? { availability: opts.availability } : {}),
            ...(opts.role ? { role: opts.role } : {}),
            ...(opts.labelAdd.length ? { labelAdd: opts.labelAdd } : {}),
            ...(opts.labelRm.length ? { labelRm: opts.labelRm } : {}),
          }),
        ),
      );
      if (r.missingLabel !== undefined) {
        // The docker CLI's own error, printed bare (it merges the labels before calling the daemon).
        process.stderr.write(`${missingLabelMessage(r.missingLabel)}\n`);
        process.exitCode = 1;
        return;
      }
      process.stdout.write(`${ref}\n`);
    });

  node
    .command("rm")
    .alias("remove")
    .description("Remove one or more nodes from the swarm")
    .option("-f, --force", "force remove a node from the swarm")
    .argument("<node...>", "node ID (or unique prefix) or hostname")
    .action(async (refs, opts, cmd) => {
      // docker: every node is tried; each removed one is printed, the errors are reported together at the end.
      const errors = await withDaemon(globals(cmd), async (call) => {
        const errs: string[] = [];
        for (const ref of refs) {
          try {
            await call("node.rm", { refs: [ref], force: opts.force ?? false });
            process.stdout.write(`${ref}\n`);
          } catch (e) {
            errs.push(nodeErrorText(ref, e));
          }
        }
        return errs;
      });
      if (errors.length > 0) {
        process.stderr.write(`${errors.join("\n")}\n`);
        process.exitCode = 1;
      }
    });

  return node;
}
