import { Command, Option } from "@commander-js/extra-typings";
import { rpcError } from "../../rpc/status.ts";
import { globals } from "../context.ts";

export function upCommand() {
  return new Command("up")
    .description("Start nats-server (nats.conf) and a local swarm: 1 manager + N workers, until Ctrl-C")
    .addOption(new Option("--workers <n>", "how many workers").default("2"))
    .addOption(new Option("--profile <profile>", "timing profile").choices(["fast", "swarm"] as const).default("fast"))
    .option("--state-root <dir>", "where the daemons' state dirs go", ".state/up")
    .option("--keep-state", "keep the state dirs of a previous run (the daemons rejoin their swarm)")
    .option(
      "--inspect [url]",
      "stream every daemon's actors to Stately's inspector (a relay started here, or this ws:// one)",
    )
    .action(async (opts, cmd) => {
      const g = globals(cmd);
      const workers = Number(opts.workers);
      if (!Number.isInteger(workers) || workers < 0 || workers > 50) {
        throw rpcError("InvalidArgument", `--workers must be a whole number from 0 to 50, got "${opts.workers}"`);
      }
      // Loaded here, not at the top: every other command starts without the daemons' modules.
      const [{ runUp }, { parseInspectUrl }] = await Promise.all([
        import("../up.ts"),
        import("../../inspect/stately/inspect-url.ts"),
      ]);
      await runUp({
        workers,
        profile: opts.profile,
        stateRoot: opts.stateRoot,
        keepState: opts.keepState ?? false,
        natsUrl: g.nats,
        ...(opts.inspect === true ? { inspect: true as const } : {}),
        ...(typeof opts.inspect === "string" ? { inspect: parseInspectUrl(opts.inspect) } : {}),
      });
    });
}
