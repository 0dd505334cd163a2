import type { AnyStateMachine } from "xstate";
import { type MachineName, machines } from "../../../machines/index.ts";
import { rpcError } from "../../rpc/status.ts";
import { machineGraph } from "../machine-graph.ts";
import { toDot } from "./dot.ts";
import { type ExportFormat, exportFormats } from "./formats.ts";
import { toMermaid } from "./mermaid.ts";

export { type ExportFormat, exportFormats, extensionOf } from "./formats.ts";

export interface ExportedMachine {
  readonly name: MachineName;
  readonly format: ExportFormat;
  readonly text: string;
}

const machineNames = Object.keys(machines) as MachineName[];

export function isMachineName(name: string): name is MachineName {
  return (machineNames as string[]).includes(name);
}

/** One machine's definition in one format. */
export function renderMachine(machine: AnyStateMachine, format: ExportFormat): string {
  switch (format) {
    case "json":
      // XState's own serialisation of the definition (state ids, transitions, invokes).
      return `${JSON.stringify(machine.toJSON(), null, 2)}\n`;
    case "dot":
      return toDot(machineGraph(machine));
    case "mermaid":
      return toMermaid(machineGraph(machine));
  }
}

/**
 * Every machine of machines/index.ts (or the one named), rendered; an unknown
 * format or machine is InvalidArgument naming the valid ones.
 */
export function exportMachines(opts: { format?: string; machine?: string } = {}): ExportedMachine[] {
  const format = opts.format ?? "json";
  if (!(exportFormats as readonly string[]).includes(format)) {
    throw rpcError("InvalidArgument", `unknown format "${format}": use one of ${exportFormats.join(", ")}`);
  }
  if (opts.machine !== undefined && !isMachineName(opts.machine)) {
    throw rpcError("InvalidArgument", `unknown machine "${opts.machine}": use one of ${machineNames.join(", ")}`);
  }
  const names = opts.machine === undefined ? machineNames : [opts.machine];
  return names.map((name) => ({
    name,
    format: format as ExportFormat,
    text: renderMachine(machines[name], format as ExportFormat),
  }));
}
