import { Command } from "@commander-js/extra-typings";
import { globals, withDaemon } from "../context.ts";
import { addSwarmUnlock, addSwarmUnlockKey, fetchUnlockKey, unlockCommandText } from "./swarm-lock.ts";
import { addInitSpecFlags, addSwarmCa, addSwarmUpdate, initSpecChange } from "./swarm-settings.ts";

const joinCommandText = (token: string, addr: string) => `    swarmbus swarm join --token ${token} ${addr}`;

function joinTokenText(role: "worker" | "manager", token: string, addr: string): string {
  return `To add a ${role} to this swarm, run the following command:\n\n${joinCommandText(token, addr)}\n`;
}

export function swarmCommand() {
  const swarm = new Command("swarm").description(
    "Manage the swarm (init, join, leave, join-token, update, ca, unlock, unlock-key)",
  );

  addInitSpecFlags(swarm.command("init").description("Initialize a swarm"))
    .option("--listen-addr <addr>", "listen address (HOST:PORT)")
    .option("--advertise-addr <addr>", "advertised address (HOST:PORT)")
    .option("--force-new-cluster", "force create a new cluster from current state")
    .option("--autolock", "enable manager autolocking (requiring an unlock key to start a stopped manager)")
    .action(async (opts, cmd) => {
      const g = globals(cmd);
      await withDaemon(g, async (call) => {
        const r = await call("init", {
          ...(opts.listenAddr ? { listenAddr: opts.listenAddr } : {}),
          ...(opts.advertiseAddr ? { advertiseAddr: opts.advertiseAddr } : {}),
          ...(opts.forceNewCluster ? { forceNewCluster: true } : {}),
          ...(opts.autolock ? { autoLock: true } : {}),
        });
        const spec = initSpecChange(opts);
        if (spec) await call("swarm.update", spec);
        process.stdout.write(
          `Swarm initialized: current node (${r.nodeId}) is now a manager.\n\n` +
            `${joinTokenText("worker", r.workerToken, r.advertiseAddr)}\n` +
            "To add a manager to this swarm, run 'swarmbus swarm join-token manager' and follow the instructions.\n\n",
        );
        if (opts.autolock) process.stdout.write(unlockCommandText(await fetchUnlockKey(call)));
      });
    });

  swarm
    .command("join")
    .description("Join a swarm as a node and/or manager")
    .argument("<addr>", "a manager's address (HOST:PORT)")
    .option("--token <token>", "token for entry into the swarm", "")
    .option("--listen-addr <addr>", "listen address (HOST:PORT)")
    .option("--advertise-addr <addr>", "advertised address (HOST:PORT)")
    .action(async (addr, opts, cmd) => {
      const g = globals(cmd);
      const r = await withDaemon(g, (call) =>
        call("join", {
          token: opts.token,
          remoteAddr: addr,
          ...(opts.listenAddr ? { listenAddr: opts.listenAddr } : {}),
          ...(opts.advertiseAddr ? { advertiseAddr: opts.advertiseAddr } : {}),
        }),
      );
      process.stdout.write(`This node joined a swarm as a ${r.role}.\n`);
    });

  swarm
    .command("leave")
    .description("Leave the swarm")
    .option("-f, --force", "force this node to leave the swarm, ignoring warnings")
    .action(async (opts, cmd) => {
      const g = globals(cmd);
      await withDaemon(g, (call) => call("leave", opts.force ? { force: true } : {}));
      process.stdout.write("Node left the swarm.\n");
    });

  swarm
    .command("join-token")
    .description("Manage join tokens")
    .addArgument(new Command().createArgument("<role>", "worker or manager").choices(["worker", "manager"] as const))
    .option("--rotate", "rotate join token")
    .option("-q, --quiet", "only display token")
    .action(async (role, opts, cmd) => {
      const g = globals(cmd);
      const r = await withDaemon(g, (call) => call("join-token", { role, ...(opts.rotate ? { rotate: true } : {}) }));
      if (opts.quiet) {
        process.stdout.write(`${r.token}\n`);
        return;
      }
      if (opts.rotate) process.stdout.write(`Successfully rotated ${role} join token.\n\n`);
      process.stdout.write(`${joinTokenText(role, r.token, r.advertiseAddr)}\n`);
    });

  addSwarmUpdate(swarm);
  addSwarmCa(swarm);
  addSwarmUnlock(swarm);
  addSwarmUnlockKey(swarm);

  return swarm;
}
