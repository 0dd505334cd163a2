import { Command } from "@commander-js/extra-typings";

export function busCommand() {
  const bus = new Command("bus").description("Manage the NATS bus's trust root (operator, accounts, credentials)");
  bus
    .command("init")
    .description(
      "Write a new operator, system and swarm accounts, a nats-server config that trusts them, and the admin's credentials",
    )
    .option("--dir <dir>", "where to write them (default: .state/bus in the checkout)")
    .option("--listen <host:port>", "the client address in the written nats-server.conf", "127.0.0.1:4222")
    .option(
      "--server-host <host>",
      "another host a server of the bus is reached at (a NATS cluster's other servers): named in its TLS certificate; repeatable",
      (v: string, acc: string[]) => [...acc, v],
      [] as string[],
    )
    .option("--force", "replace a trust root already there (every credential issued from it stops working)")
    .action(async (opts) => {
      // Loaded here, not at the top: other commands start without the JWT library.
      const [{ defaultBusDir }, { initBusTrust }, { TRUST_FILES }] = await Promise.all([
        import("../../bus/auth/default-dir.ts"),
        import("../../bus/auth/trust-root.ts"),
        import("../../bus/auth/trust-files.ts"),
      ]);
      const trust = await initBusTrust(opts.dir ?? defaultBusDir(), {
        listen: opts.listen,
        serverHosts: opts.serverHost,
        force: opts.force ?? false,
      });
      const files = Object.values(TRUST_FILES).join(", ");
      process.stdout.write(
        `Bus trust root written to ${trust.dir} (${files}).\n` +
          `Start the server:  nats-server -c ${trust.serverConfig}\n` +
          `Connect the CLI:   swarmbus --nats-creds ${trust.adminCreds} …\n`,
      );
    });
  bus
    .command("creds")
    .description(
      "Write the credentials one daemon connects with: its own API, actors, events and replies, nothing else",
    )
    .argument("<name>", "the daemon's name (swarmbus daemon --name)")
    .option("--dir <dir>", "the trust root to issue them from (default: .state/bus in the checkout)")
    .action(async (name, opts) => {
      const [{ defaultBusDir }, { issueDaemonCreds }] = await Promise.all([
        import("../../bus/auth/default-dir.ts"),
        import("../../bus/auth/node-credentials.ts"),
      ]);
      const path = await issueDaemonCreds(opts.dir ?? defaultBusDir(), name);
      process.stdout.write(`${path}\n`);
    });
  return bus;
}
