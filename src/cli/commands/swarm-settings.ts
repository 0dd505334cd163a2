import { type Command, InvalidArgumentError } from "@commander-js/extra-typings";
import type { DaemonRequest } from "../../bus/daemon-contract.ts";
import { globals, withDaemon } from "../context.ts";
import { parseGoDuration } from "../go-duration.ts";
import { fetchUnlockKey, unlockCommandText } from "./swarm-lock.ts";

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

/** Go's strconv.ParseBool, as pflag reads `--autolock=VALUE`. */
function parseBool(s: string): boolean {
  if (["1", "t", "T", "TRUE", "true", "True"].includes(s)) return true;
  if (["0", "f", "F", "FALSE", "false", "False"].includes(s)) return false;
  throw new Error(`strconv.ParseBool: parsing ${JSON.stringify(s)}: invalid syntax`);
}

function parseUint64(s: string): number {
  if (!/^\+?\d+$/.test(s)) throw new Error(`strconv.ParseUint: parsing ${JSON.stringify(s)}: invalid syntax`);
  return Number(s);
}

/** The spec flags `swarm init` and `swarm update` share (CLI: cli/command/swarm/opts.go addSwarmFlags). */
function withSpecFlags<C extends Command>(cmd: C) {
  return cmd
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
    .option("--max-snapshots <uint>", "number of additional Raft snapshots to retain", goValue(parseUint64));
}

interface SpecFlags {
  certExpiry?: number;
  dispatcherHeartbeat?: number;
  taskHistoryLimit?: number;
  snapshotInterval?: number;
  maxSnapshots?: number;
}

/** Only the flags given: the rest of the spec stays as it is. */
function specChange(opts: SpecFlags): DaemonRequest<"swarm.update"> {
  return {
    ...(opts.certExpiry !== undefined ? { certExpiryMs: opts.certExpiry } : {}),
    ...(opts.dispatcherHeartbeat !== undefined ? { dispatcherHeartbeatMs: opts.dispatcherHeartbeat } : {}),
    ...(opts.taskHistoryLimit !== undefined ? { taskHistoryLimit: opts.taskHistoryLimit } : {}),
    ...(opts.snapshotInterval !== undefined ? { snapshotInterval: opts.snapshotInterval } : {}),
    ...(opts.maxSnapshots !== undefined ? { maxSnapshots: opts.maxSnapshots } : {}),
  };
}

/**
 * `swarm init`'s spec flags: docker sends them in the init request's spec; here
 * the new swarm's first update applies them, before init answers. The first
 * manager's own certificate keeps the default expiry, as SwarmKit's bootstrap
 * issues it before the cluster's spec exists; later certificates follow the flag.
 */
export function addInitSpecFlags<C extends Command>(init: C) {
  return withSpecFlags(init);
}

export function initSpecChange(opts: SpecFlags): DaemonRequest<"swarm.update"> | null {
  const req = specChange(opts);
  return Object.keys(req).length === 0 ? null : req;
}

/**
 * `swarm update` (CLI: cli/command/swarm/update.go, opts.go): only the flags
 * given change the cluster's spec; no flag at all prints the help. Docker
 * prints "Swarm updated."
 */
export function addSwarmUpdate(swarm: Command) {
  withSpecFlags(swarm.command("update").description("Update the swarm"))
    .option(
      "--autolock [bool]",
      "change manager autolocking setting (true|false)",
      goValue((s) => parseBool(s)),
    )
    .action(async (opts, cmd) => {
      const req: DaemonRequest<"swarm.update"> = {
        ...specChange(opts),
        // A bare --autolock is true, as a Go bool flag.
        ...(opts.autolock !== undefined ? { autoLock: opts.autolock !== false } : {}),
      };
      if (Object.keys(req).length === 0) {
        cmd.outputHelp();
        return;
      }
      await withDaemon(globals(cmd), async (call) => {
        const before = req.autoLock ? (await call("swarm.inspect", {})).cluster : null;
        await call("swarm.update", req);
        process.stdout.write("Swarm updated.\n");
        // docker prints the key when this update turned autolock on.
        if (before && !before.Spec.EncryptionConfig.AutoLockManagers)
          process.stdout.write(unlockCommandText(await fetchUnlockKey(call)));
      });
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
