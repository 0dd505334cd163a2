import type { NatsConnection } from "@nats-io/transport-node";
import { issueIdentityCreds } from "../../src/bus/auth/node-credentials.ts";
import { type BusIdentity, inboxPrefixOf } from "../../src/bus/auth/permissions.ts";
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
  credsForNode(nodeName: string): Promise<string> {
    return this.handle.credsForNode(nodeName);
  }

  /** The server, for a client that connects itself (e.g. through a TCP proxy, with its creds). */
  get handle(): NatsServerHandle {
    if (!this.server) throw new Error("the nats-server is not started (its use… fixture starts it in a before hook)");
    return this.server;
  }

  /**
   * A client connection, closed by stop() before the server (unless the test closed it already).
   * By default it is the admin's, as the CLI's: daemons' APIs, actors and events only. A test
   * that plays a node connects `as` that node's identity; `"unrestricted"` (every subject of the
   * swarm account, still authenticated) is for a test that forges what no credential of the swarm
   * may send, to show the receiver's own check.
   */
  async connect(name: string, as: BusIdentity | "unrestricted" | "admin" = "admin"): Promise<NatsConnection> {
    const creds = as === "admin" ? this.creds : await this.credsFor(name, as);
    const nc = await connectBus({ url: this.url, creds }, name, {
      ...(as === "admin" || as === "unrestricted" ? {} : { inboxPrefix: inboxPrefixOf(as) }),
    });
    this.connections.push(nc);
    return nc;
  }

  /** A `.creds` file for `as`, issued from the server's trust root. */
  credsFor(name: string, as: BusIdentity | "unrestricted"): Promise<string> {
    return testCreds(this.handle, name, as);
  }

  async stop(): Promise<void> {
    await Promise.allSettled(this.connections.filter((nc) => !nc.isClosed()).map((nc) => nc.close()));
    await this.server?.stop();
  }
}

/**
 * A `.creds` file for `as`, issued from the trust root of `server`. `"unrestricted"`:
 * every subject of the swarm account, for a test of a bus mechanism on subjects of its own.
 */
export function testCreds(
  server: { trustDir: string },
  name: string,
  as: BusIdentity | "unrestricted",
): Promise<string> {
  return issueIdentityCreds(server.trustDir, "test-users", name, as);
}

/** A connection to `server` as `as` (its credentials, and its inbox prefix: the only inboxes it may read). */
export async function connectAs(
  server: NatsServerHandle,
  name: string,
  as: BusIdentity | "unrestricted",
): Promise<NatsConnection> {
  return connectBus({ url: server.url, creds: await testCreds(server, name, as), ca: server.ca }, name, {
    ...(as === "unrestricted" ? {} : { inboxPrefix: inboxPrefixOf(as) }),
  });
}
