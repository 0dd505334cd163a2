import { Command } from "@commander-js/extra-typings";

// Placeholder: filled in by the issue-4 work on this command.
export function dashboardCommand() {
  return new Command("dashboard").description("(not yet available)");
}
