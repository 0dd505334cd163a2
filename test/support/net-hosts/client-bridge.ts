import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { createConnection, createServer, type Server, type Socket } from "node:net";
import { type ConnectionOptions, checkServerIdentity } from "node:tls";
import { connect, credsAuthenticator, type NatsConnection } from "@nats-io/transport-node";
import { waitFor } from "../wait-for.ts";
import { CLIENT_PORT } from "./nats-cluster.ts";

/**
 * A NATS client of this test process that is ON a host: its TCP connection starts in the host's
 * namespace, to the host's own nats-server, so when the host's cable is pulled the client stays
 * with its host (a user on the cut-off machine), as a client process run there would.
 *
 * A process can only open sockets in its own namespace, so the bytes go through two relays: a
 * small node process in the host's namespace (spawned with the host's launcher) listens on a
 * Unix socket, which is a file and so reachable from every namespace, and connects each accepted
 * stream to the host's nats-server; in this process a TCP listener on 127.0.0.1 relays to that
 * Unix socket. The NATS client connects to 127.0.0.1 with TLS, checking the server's certificate
 * for the host's address (what it would check on the host).
 */
export interface HostClient {
  readonly nc: NatsConnection;
  readonly pid: number;
  close(): Promise<void>;
}

const RELAY = `
const net = require("net");
const [sock, host, port] = process.argv.slice(1);
net.createServer((c) => {
  const u = net.connect(Number(port), host);
  c.pipe(u); u.pipe(c);
  c.on("error", () => u.destroy()); u.on("error", () => c.destroy());
  c.on("close", () => u.destroy()); u.on("close", () => c.destroy());
}).listen(sock, () => process.stdout.write("listening\\n"));
`;

export async function hostClient(o: {
  launcher: readonly string[];
  address: string;
  socketPath: string;
  creds: string;
  ca: string;
  name: string;
}): Promise<HostClient> {
  const [command, ...pre] = [...o.launcher, process.execPath];
  const relay: ChildProcess = spawn(command ?? "", [...pre, "-e", RELAY, o.socketPath, o.address, `${CLIENT_PORT}`], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  await waitFor(() => existsSync(o.socketPath), { timeoutMs: 10_000, what: `the relay of ${o.name}`, intervalMs: 50 });
  const sockets = new Set<Socket>();
  const local: Server = createServer((c) => {
    const u = createConnection(o.socketPath);
    sockets.add(c).add(u);
    c.pipe(u);
    u.pipe(c);
    const end = () => {
      c.destroy();
      u.destroy();
      sockets.delete(c);
      sockets.delete(u);
    };
    for (const s of [c, u]) {
      s.on("error", end);
      s.on("close", end);
    }
  });
  await new Promise<void>((r) => local.listen(0, "127.0.0.1", r));
  const port = (local.address() as { port: number }).port;
  const creds = readFileSync(o.creds);
  const identity: Pick<ConnectionOptions, "checkServerIdentity"> = {
    checkServerIdentity: (_host, cert) => checkServerIdentity(o.address, cert),
  };
  const nc = await connect({
    servers: `127.0.0.1:${port}`,
    name: o.name,
    authenticator: credsAuthenticator(creds),
    maxReconnectAttempts: -1,
    reconnectTimeWait: 200,
    // The other servers' addresses the cluster gossips are not reachable from here: only the relay is.
    ignoreClusterUpdates: true,
    // nats.js hands its tls options to tls.connect as they are; its type leaves checkServerIdentity out.
    tls: { caFile: o.ca, ...identity },
  });
  return {
    nc,
    pid: relay.pid ?? -1,
    close: async () => {
      await nc.close().catch(() => {});
      for (const s of sockets) s.destroy();
      await new Promise((r) => local.close(r));
      relay.kill("SIGKILL");
    },
  };
}
