import type { Command, OptionValues } from "@commander-js/extra-typings";
import {
  flagValue,
  flagValues,
  parseDurationNs,
  parseNanoCpus,
  parseUint64Flag,
  ramInBytes,
  shlexSplit,
  validateEnv,
  validateLabel,
} from "../flag-values.ts";
import { parsePlacementPref } from "../service-spec.ts";

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

/**
 * The flags `service create` (and the matching ones of `service update`)
 * share with docker's addServiceFlags, each value parsed as pflag would and
 * refused with docker's flag error (exit status 125).
 */
export function withServiceFlags<A extends unknown[], O extends OptionValues, G extends OptionValues>(
  cmd: Command<A, O, G>,
  path: string,
) {
  const v = <T>(flag: string, parse: (s: string) => T) => flagValue(flag, path, parse);
  return cmd
    .option("-d, --detach", "Exit immediately instead of waiting for the service to converge")
    .option("-q, --quiet", "Suppress progress output")
    .option("-w, --workdir <string>", "Working directory inside the container")
    .option("-u, --user <string>", "Username or UID (format: <name|uid>[:<group|gid>])")
    .option("--hostname <string>", "Container hostname")
    .option("--entrypoint <command>", "Overwrite the default ENTRYPOINT of the image", v("--entrypoint", shlexSplit))
    .option("--limit-cpu <decimal>", "Limit CPUs", v("--limit-cpu", parseNanoCpus))
    .option("--limit-memory <bytes>", "Limit Memory", v("--limit-memory", ramInBytes))
    .option("--reserve-cpu <decimal>", "Reserve CPUs", v("--reserve-cpu", parseNanoCpus))
    .option("--reserve-memory <bytes>", "Reserve Memory", v("--reserve-memory", ramInBytes))
    .option(
      "--stop-grace-period <duration>",
      "Time to wait before force killing a container (ns|us|ms|s|m|h) (default 10s)",
      v("--stop-grace-period", parseDurationNs),
    )
    .option("--replicas <uint>", "Number of tasks", v("--replicas", parseUint64Flag))
    .option(
      "--replicas-max-per-node <uint>",
      "Maximum number of tasks per node (default 0 = unlimited)",
      v("--replicas-max-per-node", parseUint64Flag),
    )
    .option(
      "--restart-condition <string>",
      'Restart when condition is met ("none", "on-failure", "any") (default "any")',
    )
    .option(
      "--restart-delay <duration>",
      "Delay between restart attempts (ns|us|ms|s|m|h) (default 5s)",
      v("--restart-delay", parseDurationNs),
    )
    .option(
      "--restart-max-attempts <uint>",
      "Maximum number of restarts before giving up",
      v("--restart-max-attempts", parseUint64Flag),
    )
    .option(
      "--restart-window <duration>",
      "Window used to evaluate the restart policy (ns|us|ms|s|m|h)",
      v("--restart-window", parseDurationNs),
    )
    .option(
      "--update-monitor <duration>",
      "Duration after each task update to monitor for failure (ns|us|ms|s|m|h) (default 5s)",
      v("--update-monitor", parseDurationNs),
    )
    .option("--stop-signal <string>", "Signal to stop the container");
}

/** `service create`'s own flags (docker: create.go). */
export function withCreateFlags<A extends unknown[], O extends OptionValues, G extends OptionValues>(
  cmd: Command<A, O, G>,
  path: string,
) {
  const vs = <T>(flag: string, parse: (s: string) => T) => flagValues(flag, path, parse);
  return cmd
    .option("--mode <string>", 'Service mode ("replicated", "global")', "replicated")
    .option("--name <string>", "Service name")
    .option("-l, --label <list>", "Service labels", vs("-l, --label", validateLabel), [] as string[])
    .option("--container-label <list>", "Container labels", vs("--container-label", validateLabel), [] as string[])
    .option("-e, --env <list>", "Set environment variables", vs("-e, --env", validateEnv), [] as string[])
    .option("--constraint <list>", "Placement constraints", collect, [] as string[])
    .option(
      "--placement-pref <pref>",
      "Add a placement preference",
      vs("--placement-pref", (s) => {
        parsePlacementPref(s);
        return s;
      }),
      [] as string[],
    );
}
