import { existsSync } from "node:fs";
import type { NatsConnection } from "@nats-io/transport-node";
import { defaultBusDir } from "../bus/auth/default-dir.ts";
import { trustFile } from "../bus/auth/trust-files.ts";
import type { BusEndpoint } from "../bus/connection.ts";
import type { DaemonRequest, DaemonResults, DaemonVerb } from "../bus/daemon-contract.ts";
import { parseNatsServers } from "../bus/nats-servers.ts";
import { assertToken } from "../bus/subjects.ts";
import { rpcError } from "../rpc/status.ts";

/** Longer than any wait a daemon does on a request (join waits joinTimeoutMs, 20 s in the swarm profile). */
const CLI_TIMEOUT_MS = 65_000;

export interface GlobalOptions {
  node?: string;
  nats: string;
  /** --nats-creds, SWARMBUS_NATS_CREDS, or the admin's creds of `swarmbus bus init`'s default dir when there. */
  natsCreds?: string;
  /** --nats-ca, SWARMBUS_NATS_CA; default: bus-ca.crt beside the credentials. */
  natsCa?: string;
}

export type DaemonCall = <V extends DaemonVerb>(verb: V, req: DaemonRequest<V>) => Promise<DaemonResults[V]>;
export type AnyDaemonCall = <V extends DaemonVerb>(
  node: string,
  verb: V,
  req: DaemonRequest<V>,
) => Promise<DaemonResults[V]>;

/** Talks to one daemon over the bus for the length of one command. */
export async function withDaemon<T>(g: GlobalOptions, fn: (call: DaemonCall) => Promise<T>): Promise<T> {
  if (!g.node) {
    throw rpcError("InvalidArgument", "no daemon named: pass --node NAME or set SWARMBUS_NODE", { plain: true });
  }
  const nodeName = g.node;
  checkNodeName(nodeName);
  return withDaemons(g, (callOn) => fn((verb, req) => callOn(nodeName, verb, req)));
}

function checkNodeName(name: string): void {
  try {
    assertToken(name, "node name");
  } catch (e) {
    throw rpcError("InvalidArgument", (e as Error).message, { plain: true });
  }
}

/** Talks to any daemon over the bus for the length of one command (`service logs` asks each node's). */
export async function withDaemons<T>(g: GlobalOptions, fn: (callOn: AnyDaemonCall) => Promise<T>): Promise<T> {
  // Loaded here, not at the top: a command that talks to no daemon (--version, help) starts without the NATS client.
  const [{ connectBus }, { callDaemon }] = await Promise.all([
    import("../bus/connection.ts"),
    import("../bus/daemon-client.ts"),
  ]);
  let nc: NatsConnection;
  try {
    nc = await connectBus(busOf(g), `swarmbus-cli-${process.pid}`);
  } catch (e) {
    throw rpcError("Unavailable", (e as Error).message, { plain: true });
  }
  try {
    return await fn((node, verb, req) => {
      checkNodeName(node);
      return callDaemon(nc, node, verb, req, { timeoutMs: CLI_TIMEOUT_MS });
    });
  } finally {
    await nc.close();
  }
}

/** The program-wide options (--node, --nats, --nats-creds), read from any subcommand. */
export function globals(cmd: { optsWithGlobals(): object }): GlobalOptions {
  const o = cmd.optsWithGlobals() as Record<string, unknown>;
  const nats = typeof o.nats === "string" ? o.nats : "nats://127.0.0.1:4222";
  // Checked here, before anything connects: a bad item of the list is named as such.
  parseNatsServers(nats);
  const natsCreds = typeof o.natsCreds === "string" ? o.natsCreds : defaultCreds();
  return {
    ...(typeof o.node === "string" ? { node: o.node } : {}),
    nats,
    ...(natsCreds ? { natsCreds } : {}),
    ...(typeof o.natsCa === "string" ? { natsCa: o.natsCa } : {}),
  };
}

/** Where the bus is and the credentials to connect with. */
export function busOf(g: GlobalOptions): BusEndpoint {
  return { url: g.nats, ...(g.natsCreds ? { creds: g.natsCreds } : {}), ...(g.natsCa ? { ca: g.natsCa } : {}) };
}

function defaultCreds(): string | undefined {
  const path = trustFile(defaultBusDir(), "adminCreds");
  return existsSync(path) ? path : undefined;
}
