import { Command, Option } from "@commander-js/extra-typings";
import { profile } from "../../config/profile.ts";
import { runDaemon } from "../../node/daemon.ts";
import { globals } from "../context.ts";

export function daemonCommand() {
  return new Command("daemon")
    .description("Run one swarm node (like dockerd)")
    .requiredOption("--name <name>", "the node's name on the bus and its hostname")
    .requiredOption("--state-dir <dir>", "where the node keeps <dir>/swarm (like /var/lib/docker)")
    .option("--listen-addr <addr>", "the manager's gRPC listen address (HOST:PORT)")
    .option("--advertise-addr <addr>", "the address other nodes dial (HOST:PORT)")
    .addOption(new Option("--profile <profile>", "timing profile").choices(["fast", "swarm"] as const).default("fast"))
    .action(async (opts, cmd) => {
      // --nats is the program's global option (also read after the subcommand).
      const { nats } = globals(cmd);
      await runDaemon({
        name: opts.name,
        stateDir: opts.stateDir,
        natsUrl: nats,
        ...(opts.listenAddr ? { listenAddr: opts.listenAddr } : {}),
        ...(opts.advertiseAddr ? { advertiseAddr: opts.advertiseAddr } : {}),
        profile: profile(opts.profile),
      });
    });
}
