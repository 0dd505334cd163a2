import { createConnection, createServer, type Server, type Socket } from "node:net";

export interface TcpProxy {
  /** The loopback port clients connect to instead of the target. */
  readonly port: number;
  readonly isCut: boolean;
  /** Destroys every live connection and refuses new ones until heal(). */
  cut(): void;
  heal(): void;
  close(): Promise<void>;
}

/**
 * A TCP forwarder on 127.0.0.1 in front of `target`: the scenario runner's
 * network cable between one daemon and nats-server. A cut closes the
 * connections the way a dropped link looks to a client (its reads end) and
 * refuses reconnects by closing each new one at once; the listening port
 * stays, so a heal needs nothing from the client but its own reconnect.
 */
export function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const pairs = new Set<Socket>();
  let cut = false;

  const server: Server = createServer((client) => {
    if (cut) {
      client.destroy();
      return;
    }
    const upstream = createConnection({ host: target.host, port: target.port });
    pairs.add(client);
    pairs.add(upstream);
    const end = () => {
      client.destroy();
      upstream.destroy();
      pairs.delete(client);
      pairs.delete(upstream);
    };
    client.on("error", end).on("close", end);
    upstream.on("error", end).on("close", end);
    client.pipe(upstream);
    upstream.pipe(client);
  });

  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      server.off("error", reject);
      const addr = server.address();
      const port = typeof addr === "object" && addr ? addr.port : 0;
      resolve({
        port,
        get isCut() {
          return cut;
        },
        cut() {
          cut = true;
          for (const s of pairs) s.destroy();
          pairs.clear();
        },
        heal() {
          cut = false;
        },
        close: () =>
          new Promise<void>((done) => {
            for (const s of pairs) s.destroy();
            pairs.clear();
            server.close(() => done());
          }),
      });
    });
  });
}
