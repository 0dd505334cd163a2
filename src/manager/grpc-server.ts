import { Server, type UntypedServiceImplementation } from "@grpc/grpc-js";
import type { ServerSideCredentials } from "../ca/credentials.ts";
import { swarmkit } from "../rpc/proto.ts";
import { rpcError } from "../rpc/status.ts";
import { encodeAssignmentsMessage } from "./assignments-wire.ts";
import { tolerantService } from "./safe-service.ts";

/**
 * The manager's gRPC server on its listen address: Dispatcher, NodeCA, RootCA
 * and Health, each registered with a deserializer that never throws (safe-service.ts).
 */
export interface ManagerServices {
  dispatcher: UntypedServiceImplementation;
  nodeCA: UntypedServiceImplementation;
  rootCA: UntypedServiceImplementation;
  /** SwarmKit's Health service (health.ts); always this manager's own answer. */
  health?: UntypedServiceImplementation;
}

export interface BoundServer {
  readonly server: Server;
  /** host:port actually bound. */
  readonly listenAddr: string;
  /** Lets running calls finish for up to graceMs, then cuts the rest. */
  shutdown(graceMs: number): Promise<void>;
}

function splitHostPort(addr: string): { host: string; port: string } {
  const i = addr.lastIndexOf(":");
  if (i <= 0) throw rpcError("InvalidArgument", `invalid listen address ${addr}: expected HOST:PORT`);
  return { host: addr.slice(0, i), port: addr.slice(i + 1) };
}

export async function serveManager(
  listenAddr: string,
  credentials: ServerSideCredentials,
  services: ManagerServices,
): Promise<BoundServer> {
  // Channelz stays on although nothing serves it: grpc-js (1.14) keeps its list of open sessions only with
  // channelz, and forceShutdown destroys only those, so without it a stopping manager left agents' streams open.
  const server = new Server({ "grpc.keepalive_permit_without_calls": 1 });
  const dispatcher = tolerantService(swarmkit.Dispatcher.service);
  // Each spec encoded once per stream's worth of tasks, not once per task (assignments-wire.ts).
  const assignments = { ...dispatcher.Assignments, responseSerialize: encodeAssignmentsMessage };
  server.addService({ ...dispatcher, Assignments: assignments }, services.dispatcher);
  server.addService(tolerantService(swarmkit.NodeCA.service), services.nodeCA);
  server.addService(tolerantService(swarmkit.RootCA.service), services.rootCA);
  if (services.health) server.addService(tolerantService(swarmkit.Health.service), services.health);
  const { host } = splitHostPort(listenAddr);
  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync(listenAddr, credentials.serverCredentials(), (err, p) => (err ? reject(err) : resolve(p)));
  });
  return {
    server,
    listenAddr: `${host}:${port}`,
    shutdown: (graceMs) =>
      new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          server.forceShutdown();
          resolve();
        }, graceMs);
        server.tryShutdown(() => {
          clearTimeout(timer);
          resolve();
        });
      }),
  };
}

/** advertiseAddr with its port replaced by the bound one when the listen port was 0. */
export function effectiveAdvertiseAddr(listenAddr: string, advertiseAddr: string, boundAddr: string): string {
  if (splitHostPort(listenAddr).port !== "0") return advertiseAddr;
  const { host } = splitHostPort(advertiseAddr);
  return `${host}:${splitHostPort(boundAddr).port}`;
}
