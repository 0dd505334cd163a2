import { Command, Option } from "@commander-js/extra-typings";
import type { startDashboard } from "../../inspect/dashboard/index.ts";
import { rpcError } from "../../rpc/status.ts";
import { busOf, globals } from "../context.ts";

/** A port number, or InvalidArgument: 0 means any free port. */
export function parsePort(text: string): number {
  const port = /^\d{1,5}$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isInteger(port) || port > 65535) {
    throw rpcError("InvalidArgument", `invalid --port "${text}": expected a number from 0 to 65535`, { plain: true });
  }
  return port;
}

export function dashboardCommand() {
  return new Command("dashboard")
    .description("Serve the live dashboard: nodes, every actor's statechart, Raft term and leader, transitions")
    .addOption(new Option("--port <port>", "HTTP port (0 = a free one)").default("8080"))
    .addOption(new Option("--host <host>", "address to listen on").default("127.0.0.1"))
    .action(async (opts, cmd) => {
      const g = globals(cmd);
      const port = parsePort(opts.port);
      const { connectBus } = await import("../../bus/connection.ts");
      const nc = await connectBus(busOf(g), `swarmbus-dashboard-${process.pid}`);
      let dashboard: Awaited<ReturnType<typeof startDashboard>>;
      try {
        // Loaded here, not at the top: every other command starts without the dashboard's modules.
        const { startDashboard } = await import("../../inspect/dashboard/index.ts");
        dashboard = await startDashboard({ nc, host: opts.host, port });
      } catch (e) {
        await nc.close();
        if ((e as NodeJS.ErrnoException).code === "EADDRINUSE") {
          throw rpcError("Unavailable", `port ${port} on ${opts.host} is in use: pass --port 0 for a free one`, {
            plain: true,
          });
        }
        throw e;
      }
      process.stdout.write(`swarmbus dashboard: ${dashboard.url} (NATS ${g.nats}; Ctrl-C stops it)\n`);
      await new Promise<void>((resolve) => {
        process.once("SIGINT", resolve);
        process.once("SIGTERM", resolve);
      });
      await dashboard.close();
      await nc.close();
    });
}
