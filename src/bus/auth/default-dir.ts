import { join } from "node:path";
import { repoRoot } from "../../process/cli-command.ts";

/**
 * Where `swarmbus bus init` writes and the CLI and `swarmbus up` look when not
 * told (--nats-creds, SWARMBUS_NATS_CREDS): `.state/bus` in the checkout, beside
 * `swarmbus up`'s state dirs and found from any working directory.
 */
export function defaultBusDir(): string {
  return join(repoRoot, ".state", "bus");
}
