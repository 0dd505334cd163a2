import type { NatsConnection } from "@nats-io/transport-node";
import { connectBus } from "../../src/bus/connection.ts";
import type { SwarmInfo } from "../../src/bus/daemon-contract.ts";
import { type NatsServerHandle, startNatsServer } from "../../src/bus/nats-server.ts";
import type { Log } from "../../src/log.ts";

/** A real nats-server with two clients on it: a "daemon" side and a "cli" side. */
export interface BusFixture {
  server: NatsServerHandle;
  daemon: NatsConnection;
  cli: NatsConnection;
  close(): Promise<void>;
}

export async function startBus(opts: { maxPayload?: number } = {}): Promise<BusFixture> {
  const server = await startNatsServer(opts);
  const daemon = await connectBus(server.url, "test-daemon");
  const cli = await connectBus(server.url, "test-cli");
  return {
    server,
    daemon,
    cli,
    async close() {
      await Promise.allSettled([daemon.close(), cli.close()]);
      await server.stop();
    },
  };
}

/** A Log that keeps what it was told, for asserting that rejections are logged. */
export function memoryLog(): Log & { lines: { level: string; msg: string; obj: Record<string, unknown> }[] } {
  const lines: { level: string; msg: string; obj: Record<string, unknown> }[] = [];
  return {
    lines,
    warn: (obj, msg) => {
      lines.push({ level: "warn", msg, obj });
    },
    error: (obj, msg) => {
      lines.push({ level: "error", msg, obj });
    },
  };
}

/** Runs `f` and returns what it threw (fails if it did not throw). */
export async function rejection(f: () => Promise<unknown>): Promise<unknown> {
  try {
    await f();
  } catch (e) {
    return e;
  }
  throw new Error("expected a rejection, but the call succeeded");
}

/** What `info` answers on a daemon that is in no swarm. */
export const inactiveInfo: SwarmInfo = {
  NodeID: "",
  NodeAddr: "",
  LocalNodeState: "inactive",
  ControlAvailable: false,
  Error: "",
  RemoteManagers: null,
  Nodes: 0,
  Managers: 0,
  Cluster: null,
  Warnings: null,
};
