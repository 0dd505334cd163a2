import { type Command, InvalidArgumentError } from "@commander-js/extra-typings";
import type { DaemonRequest } from "../../bus/daemon-contract.ts";
import { globals, withDaemon } from "../context.ts";
import { parseGoDuration } from "../go-duration.ts";

/** A pflag-style option value: Go's parse error as commander's reason. */
function goValue<T>(parse: (s: string) => T) {
  return (value: string): T => {
    try {
      return parse(value);
    } catch (e) {
      throw new InvalidArgumentError((e as Error).message);
    }
  };
}

function parseInt64(s: string): number {
  if (!/^[-+]?\d+$/.test(s)) throw new Error(`strconv.ParseInt: parsing ${JSON.stringify(s)}: invalid syntax`);
  return Number(s);
}

function parseUint64(s: string): number {
  if (!/^\+?\d+$/.test(s)) throw new Error(`strconv.ParseUint: parsing ${JSON.stringify(s)}: invalid syntax`);
  return Number(s);
}

/**
 * `swarm update` (CLI: cli/command/swarm/update.go, opts.go): only the flags
 * given change the cluster's spec; no flag at all prints the help. Docker
 * prints "Swarm updated."
 */
export function addSwarmUpdate(swarm: Command) {
  swarm
    .command("update")
    .description("Update the swarm")
    .option(
      "--cert-expiry <duration>",
      "validity period for node certificates (ns|us|ms|s|m|h)",
      goValue(parseGoDuration),
    )
    .option(
      "--dispatcher-heartbeat <duration>",
      "dispatcher heartbeat period (ns|us|ms|s|m|h)",
      goValue(parseGoDuration),
    )
    .option("--task-history-limit <int>", "task history retention limit", goValue(parseInt64))
    .option("--snapshot-interval <uint>", "number of log entries between Raft snapshots", goValue(parseUint64))
    .option("--max-snapshots <uint>", "number of additional Raft snapshots to retain", goValue(parseUint64))
    .action(async (opts, cmd) => {
      const req: DaemonRequest<"swarm.update"> = {
        ...(opts.certExpiry !== undefined ? { certExpiryMs: opts.certExpiry } : {}),
        ...(opts.dispatcherHeartbeat !== undefined ? { dispatcherHeartbeatMs: opts.dispatcherHeartbeat } : {}),
        ...(opts.taskHistoryLimit !== undefined ? { taskHistoryLimit: opts.taskHistoryLimit } : {}),
        ...(opts.snapshotInterval !== undefined ? { snapshotInterval: opts.snapshotInterval } : {}),
        ...(opts.maxSnapshots !== undefined ? { maxSnapshots: opts.maxSnapshots } : {}),
      };
      if (Object.keys(req).length === 0) {
        cmd.outputHelp();
        return;
      }
      await withDaemon(globals(cmd), (call) => call("swarm.update", req));
      process.stdout.write("Swarm updated.\n");
    });
}

/** `swarm ca` without --rotate (CLI: cli/command/swarm/ca.go displayTrustRoot): the root CA certificate. */
export function addSwarmCa(swarm: Command) {
  swarm
    .command("ca")
    .description("Display the root CA of the swarm")
    .action(async (_opts, cmd) => {
      const r = await withDaemon(globals(cmd), (call) => call("swarm.inspect", {}));
      const root = r.cluster.TLSInfo.TrustRoot ?? "";
      if (root === "") {
        process.stderr.write("No CA information available\n");
        process.exitCode = 1;
        return;
      }
      process.stdout.write(`${root.trim()}\n`);
    });
}
