import { Command } from "@commander-js/extra-typings";

// Placeholder: filled in by the issue-4 work on this command.
export function scenarioCommand() {
  return new Command("scenario").description("(not yet available)");
}
