import { Command, Option } from "@commander-js/extra-typings";
import type { ActorTransition } from "../../bus/events.ts";
import { assertToken } from "../../bus/subjects.ts";
import { rpcError } from "../../rpc/status.ts";
import { busOf, globals } from "../context.ts";

/** One transition as a person reads it: time, node, actor, from → to, (event), context facts. */
export function formatTransition(e: ActorTransition): string {
  const facts = e.context
    ? Object.entries(e.context)
        .filter(([, v]) => v !== null && v !== "")
        .map(([k, v]) => `${k}=${v}`)
        .join(" ")
    : "";
  const move = e.from === null ? e.state : `${e.from} → ${e.state}`;
  const again = e.replayed ? "  [again, after the daemon reconnected]" : "";
  return `${e.time}  ${e.node.padEnd(8)} ${e.actor.padEnd(12)} ${move}  (${e.event})${facts ? `  ${facts}` : ""}${again}`;
}

export function eventsCommand() {
  return new Command("events")
    .description("Tail the actors' transitions (swarmbus.events.<node>.<actor>); --node filters by node")
    .option("--actor <name>", "only this actor (node, clusterState, session, raft, liveness-<nodeId>, …)")
    .addOption(new Option("--format <format>", "output format").choices(["text", "json"] as const).default("text"))
    .addHelpText(
      "after",
      "\nExamples:\n  swarmbus events                          every node, every actor\n  swarmbus events --node m1 --actor raft   one node's Raft role changes\n  swarmbus events --format json            one JSON object a line, for tools\n",
    )
    .action(async (opts, cmd) => {
      const g = globals(cmd);
      // Only an explicit --node filters; SWARMBUS_NODE (meant for daemon commands) does not.
      const node = cmd.parent?.getOptionValueSource("node") === "cli" ? g.node : undefined;
      try {
        if (node) assertToken(node, "node name");
        if (opts.actor) assertToken(opts.actor, "actor name");
      } catch (e) {
        throw rpcError("InvalidArgument", (e as Error).message, { plain: true });
      }
      // Loaded here, not at the top: every other command starts without the event codec and its logger.
      const [{ subscribeEvents }, { connectBus }] = await Promise.all([
        import("../../bus/events.ts"),
        import("../../bus/connection.ts"),
      ]);
      const nc = await connectBus(busOf(g), `swarmbus-events-${process.pid}`);
      const sub = await subscribeEvents(
        nc,
        { ...(node ? { node } : {}), ...(opts.actor ? { actor: opts.actor } : {}) },
        (e) => process.stdout.write(`${opts.format === "json" ? JSON.stringify(e) : formatTransition(e)}\n`),
        (reason, subject) => process.stderr.write(`swarmbus events: skipped a message on ${subject}: ${reason}\n`),
      );
      // Said once the server has the subscription: anything published from now on is shown.
      process.stderr.write(
        `swarmbus events: watching ${node ?? "every node"}${opts.actor ? `, actor ${opts.actor}` : ""}\n`,
      );
      await new Promise<void>((resolve) => {
        process.once("SIGINT", resolve);
        process.once("SIGTERM", resolve);
      });
      await sub.stop();
      await nc.close();
    });
}
