import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
/** The checkout: this file is src/process/cli-command.ts in the sources and dist/src/process/cli-command.js in the build. */
export const repoRoot = import.meta.url.endsWith(".js") ? join(here, "..", "..", "..") : join(here, "..", "..");

/** The bus a swarmbus process talks to: its URL and the credentials (.creds file) it connects with. */
export interface CliBus {
  url: string;
  creds: string;
}

/** The CLI's flags for that bus: every spawned process connects with credentials (the bus takes no anonymous client). */
export function busArgs(bus: CliBus): string[] {
  return ["--nats", bus.url, "--nats-creds", bus.creds];
}

export interface CliCommand {
  command: string;
  args: string[];
}

/**
 * How every process this project spawns starts `swarmbus` (append the CLI's
 * arguments to `args`): bin/swarmbus.js, which runs the build in dist/ with
 * plain node and refuses one older than the sources, or the sources through
 * tsx when SWARMBUS_TSX=1 is in the child's environment.
 */
export function cliCommand(): CliCommand {
  return { command: process.execPath, args: [join(repoRoot, "bin", "swarmbus.js")] };
}
