import { Command } from "@commander-js/extra-typings";

// Placeholder: filled in by the issue-4 work on this command.
export function machinesCommand() {
  return new Command("machines").description("(not yet available)");
}
