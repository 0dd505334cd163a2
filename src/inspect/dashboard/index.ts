import type { NatsConnection } from "@nats-io/transport-node";
import { machines } from "../../../machines/index.ts";
import { layoutMachines, type MachineLayout } from "./layout.ts";
import { DashboardModel } from "./model.ts";
import { type DashboardServer, startDashboardServer } from "./server.ts";
import { startWatcher } from "./watcher.ts";

export interface DashboardOptions {
  nc: NatsConnection;
  host?: string;
  /** 0 = a free port. */
  port?: number;
  /** When `port` is taken, take a free one instead of failing (what `swarmbus up` wants). */
  orFreePort?: boolean;
  /** Between two discovery rounds and two `node.ls` polls (~1 s: a node's status changes at heartbeat pace). */
  pollMs?: number;
  warn?: (msg: string) => void;
}

export interface Dashboard {
  readonly url: string;
  readonly port: number;
  readonly model: DashboardModel;
  close(): Promise<void>;
}

let cachedLayouts: Promise<MachineLayout[]> | undefined;
/** The machines never change while the process runs: lay them out once. */
export const machineLayouts = (): Promise<MachineLayout[]> => {
  cachedLayouts ??= layoutMachines(machines);
  return cachedLayouts;
};

/** The live dashboard: an HTTP server on `host:port` fed from the bus `nc` is connected to. */
export async function startDashboard(opts: DashboardOptions): Promise<Dashboard> {
  const model = new DashboardModel();
  const layouts = await machineLayouts();
  const serve = (port: number) => startDashboardServer({ host: opts.host ?? "127.0.0.1", port, model, layouts });
  let server: DashboardServer;
  try {
    server = await serve(opts.port ?? 8080);
  } catch (e) {
    if (!opts.orFreePort || (e as NodeJS.ErrnoException).code !== "EADDRINUSE") throw e;
    server = await serve(0);
  }
  const pollMs = opts.pollMs ?? 1000;
  let watcher: Awaited<ReturnType<typeof startWatcher>>;
  try {
    watcher = await startWatcher(opts.nc, model, {
      pollMs,
      taskDebounceMs: Math.min(100, pollMs),
      discoverWindowMs: Math.min(300, pollMs),
      callTimeoutMs: 5000,
      warn: opts.warn ?? ((msg) => process.stderr.write(`swarmbus dashboard: ${msg}\n`)),
    });
  } catch (e) {
    await server.close();
    throw e;
  }
  return {
    url: server.url,
    port: server.port,
    model,
    async close() {
      await watcher.stop();
      await server.close();
    },
  };
}
