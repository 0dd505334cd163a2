import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Command } from "@commander-js/extra-typings";
import { exportFormats, extensionOf } from "../../inspect/export/formats.ts";

export function machinesCommand() {
  const machines = new Command("machines").description("The XState machines of swarmbus");
  machines
    .command("export")
    .description("Write every machine's definition (json: XState's toJSON; dot: Graphviz; mermaid: stateDiagram-v2)")
    .option("--format <format>", `one of ${exportFormats.join(", ")}`, "json")
    .option(
      "--machine <name>",
      "only this machine (node, clusterState, session, nodeLiveness, raft, task, controlLoop)",
    )
    .option("--out <dir>", "one file per machine in DIR (<name>.json|dot|mmd) instead of stdout")
    .action(async (opts) => {
      // Loaded here, not at the top: the machines (and xstate) only for this command.
      const { exportMachines } = await import("../../inspect/export/index.ts");
      const exported = exportMachines({
        format: opts.format,
        ...(opts.machine !== undefined ? { machine: opts.machine } : {}),
      });
      if (opts.out === undefined) {
        // Several JSON definitions go out as one object keyed by machine name; diagrams one after another.
        if (exported[0]?.format === "json" && opts.machine === undefined) {
          const all = Object.fromEntries(exported.map((m) => [m.name, JSON.parse(m.text) as unknown]));
          process.stdout.write(`${JSON.stringify(all, null, 2)}\n`);
        } else {
          process.stdout.write(exported.map((m) => m.text).join("\n"));
        }
        return;
      }
      mkdirSync(opts.out, { recursive: true });
      for (const m of exported) {
        const file = join(opts.out, `${m.name}.${extensionOf[m.format]}`);
        writeFileSync(file, m.text);
        process.stdout.write(`${file}\n`);
      }
    });
  return machines;
}
