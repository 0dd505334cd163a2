import type { NatsConnection } from "@nats-io/transport-node";
import { connectBus } from "../../src/bus/connection.ts";
import { type NatsServerHandle, type NatsServerOptions, startNatsServer } from "../../src/bus/nats-server.ts";
import { onTeardown, type Suite } from "./fixture.ts";

/**
 * A real nats-server for the suite, started before the tests and stopped after
 * them with every connection made through it:
 *
 *   const nats = useNatsServer(test);
 *   test.before(async () => { nc = await nats.connect("my-test"); });
 */
export function useNatsServer(suite: Suite, opts: NatsServerOptions = {}): TestNats {
  const nats = new TestNats(opts);
  suite.before(() => nats.start());
  onTeardown(suite, () => nats.stop());
  return nats;
}

export class TestNats {
  private server: NatsServerHandle | undefined;
  private readonly connections: NatsConnection[] = [];
  constructor(private readonly opts: NatsServerOptions = {}) {}

  async start(): Promise<void> {
    this.server = await startNatsServer(this.opts);
  }

  get url(): string {
    return this.handle.url;
  }

  /** The admin's credentials: what the CLI and the test's own connections use. */
  get creds(): string {
    return this.handle.creds;
  }

  /** The credentials the daemon `nodeName` connects with. */
  credsForNode(nodeName: string): string {
    return this.handle.credsForNode(nodeName);
  }

  /** The server, for a client that connects itself (e.g. through a TCP proxy, with its creds). */
  get handle(): NatsServerHandle {
    if (!this.server) throw new Error("the nats-server is not started (its use… fixture starts it in a before hook)");
    return this.server;
  }

  /** A client connection, closed by stop() before the server (unless the test closed it already). */
  async connect(name: string): Promise<NatsConnection> {
    const nc = await connectBus(this.handle, name);
    this.connections.push(nc);
    return nc;
  }

  async stop(): Promise<void> {
    await Promise.allSettled(this.connections.filter((nc) => !nc.isClosed()).map((nc) => nc.close()));
    await this.server?.stop();
  }
}
