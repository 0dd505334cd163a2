#!/usr/bin/env node
import { Command, Option } from "@commander-js/extra-typings";
import { parseNatsServers } from "../bus/nats-servers.ts";
import { isRpcError, RpcError, toRpcError } from "../rpc/status.ts";
import { VERSION } from "../version.ts";
import { busCommand } from "./commands/bus.ts";
import { daemonCommand } from "./commands/daemon.ts";
import { dashboardCommand } from "./commands/dashboard.ts";
import { eventsCommand } from "./commands/events.ts";
import { infoCommand } from "./commands/info.ts";
import { machinesCommand } from "./commands/machines.ts";
import { nodeCommand } from "./commands/node.ts";
import { scenarioCommand } from "./commands/scenario.ts";
import { serviceCommand } from "./commands/service.ts";
import { swarmCommand } from "./commands/swarm.ts";
import { upCommand } from "./commands/up.ts";
import { StatusError } from "./errors/status-error.ts";
import { flagValue } from "./flag-values.ts";

const program = new Command("swarmbus")
  .description("Docker Swarm's control plane as XState machines on a NATS bus")
  .version(VERSION)
  .addOption(new Option("--node <name>", "the daemon a command talks to (like DOCKER_HOST)").env("SWARMBUS_NODE"))
  .addOption(
    new Option(
      "--nats <url[,url…]>",
      "the NATS server of the swarm, or several servers of one NATS cluster (tried in this order, reconnecting across them)",
    )
      .argParser(
        flagValue("--nats", "swarmbus", (v) => {
          parseNatsServers(v);
          return v;
        }),
      )
      .env("SWARMBUS_NATS")
      .default("nats://127.0.0.1:4222"),
  )
  .addOption(
    new Option(
      "--nats-creds <file>",
      "the NATS credentials (.creds) to connect with (default: from `swarmbus bus init`'s .state/bus: admin.creds, or for `daemon` its own daemons/<name>.creds)",
    ).env("SWARMBUS_NATS_CREDS"),
  )
  .addOption(
    new Option(
      "--nats-ca <file>",
      "the CA the NATS server's TLS certificate must chain to (default: bus-ca.crt beside the credentials)",
    ).env("SWARMBUS_NATS_CA"),
  )
  .showHelpAfterError()
  .exitOverride((err) => {
    // commander's own messages (bad flags, missing args) already went to stderr.
    process.exit(err.exitCode === 0 ? 0 : 1);
  });

program.addCommand(daemonCommand());
program.addCommand(swarmCommand());
program.addCommand(nodeCommand());
program.addCommand(serviceCommand());
program.addCommand(infoCommand());
program.addCommand(upCommand());
program.addCommand(busCommand());
program.addCommand(eventsCommand());
program.addCommand(scenarioCommand());
program.addCommand(dashboardCommand());
program.addCommand(machinesCommand());

try {
  await program.parseAsync(process.argv);
} catch (e) {
  fail(e);
}

function fail(e: unknown): never {
  if (e instanceof StatusError) {
    // docker/cli's main: the status as it is (if any), and never exit 0 on an error.
    if (e.status !== "") process.stderr.write(`${e.status}\n`);
    process.exit(e.code === 0 ? 1 : e.code);
  }
  const err = isRpcError(e) ? e : e instanceof RpcError ? e : toRpcError(e);
  process.stderr.write(`${err.dockerText}\n`);
  process.exit(1);
}
