import { Command, Option } from "@commander-js/extra-typings";
import { profile } from "../../config/profile.ts";
import { globals } from "../context.ts";

/**
 * --nats-creds / SWARMBUS_NATS_CREDS when given; otherwise, when `swarmbus bus init`'s
 * default directory holds a trust root, credentials for this daemon alone issued from it
 * (the admin's credentials would not let a daemon serve its own subjects).
 */
async function daemonCreds(cmd: { optsWithGlobals(): object }, name: string): Promise<string | undefined> {
  const given = (cmd.optsWithGlobals() as { natsCreds?: unknown }).natsCreds;
  if (typeof given === "string") return given;
  const [{ defaultBusDir }, { hasBusTrust }, { issueDaemonCreds }] = await Promise.all([
    import("../../bus/auth/default-dir.ts"),
    import("../../bus/auth/trust-root.ts"),
    import("../../bus/auth/node-credentials.ts"),
  ]);
  const dir = defaultBusDir();
  return hasBusTrust(dir) ? issueDaemonCreds(dir, name) : undefined;
}

export function daemonCommand() {
  return new Command("daemon")
    .description("Run one swarm node (like dockerd)")
    .requiredOption("--name <name>", "the node's name on the bus and its hostname")
    .requiredOption("--state-dir <dir>", "where the node keeps <dir>/swarm (like /var/lib/docker)")
    .option("--listen-addr <addr>", "the manager's gRPC listen address (HOST:PORT)")
    .option("--advertise-addr <addr>", "the address other nodes dial (HOST:PORT)")
    .addOption(
      new Option(
        "--nats-account-signer <dir>",
        "where the swarm NATS account's signer is (swarm-account.jwt, swarm-account-signing.nk): `swarm init` gives it to the cluster, whose managers then issue bus credentials (default: the --nats-creds file's directory, when it holds them)",
      ).env("SWARMBUS_NATS_SIGNER"),
    )
    .addOption(new Option("--profile <profile>", "timing profile").choices(["fast", "swarm"] as const).default("fast"))
    .option(
      "--inspect [url]",
      "stream the actors to Stately's inspector: to this relay (ws://HOST:PORT), or to a relay started here on 127.0.0.1",
    )
    .action(async (opts, cmd) => {
      // --nats is the program's global option (also read after the subcommand).
      const { nats, natsCa } = globals(cmd);
      const natsCreds = await daemonCreds(cmd, opts.name);
      let inspect: string | undefined;
      const { parseInspectUrl } = await import("../../inspect/stately/inspect-url.ts");
      if (typeof opts.inspect === "string") inspect = parseInspectUrl(opts.inspect);
      else if (opts.inspect === true) {
        // Lives as long as this process; other daemons can send to it with --inspect <url>.
        const { startInspectorRelay } = await import("../../inspect/stately/relay.ts");
        const relay = await startInspectorRelay();
        inspect = relay.url;
        process.stderr.write(
          `swarmbus daemon: Stately inspector: open ${relay.viewerUrl}  (other daemons: --inspect ${relay.url})\n`,
        );
      }
      // Loaded here, not at the top: every other command starts without the daemon's modules.
      const { runDaemon } = await import("../../node/daemon.ts");
      await runDaemon({
        name: opts.name,
        stateDir: opts.stateDir,
        natsUrl: nats,
        natsCreds,
        natsCa,
        ...(opts.natsAccountSigner ? { natsAccountSigner: opts.natsAccountSigner } : {}),
        ...(opts.listenAddr ? { listenAddr: opts.listenAddr } : {}),
        ...(opts.advertiseAddr ? { advertiseAddr: opts.advertiseAddr } : {}),
        profile: profile(opts.profile),
        ...(inspect ? { inspect } : {}),
      });
    });
}
