import type { NatsConnection } from "@nats-io/transport-node";
import { onTeardown, type Suite } from "../../support/fixture.ts";
import { TestNats } from "../../support/nats-server.ts";

/**
 * A real nats-server for the suite with two clients on it, a "daemon" side and
 * a "cli" side, all closed after the tests:
 *
 *   const bus = useBus(test, { maxPayload: 64 * 1024 });
 *   test("…", async () => { serveDaemonApi(bus.daemon, …); await callDaemon(bus.cli, …); });
 */
export function useBus(suite: Suite, opts: { maxPayload?: number } = {}): TestBus {
  const bus = new TestBus(new TestNats(opts));
  suite.before(() => bus.open());
  onTeardown(suite, () => bus.nats.stop());
  return bus;
}

export class TestBus {
  private sides: { daemon: NatsConnection; cli: NatsConnection } | undefined;
  constructor(readonly nats: TestNats) {}

  async open(): Promise<void> {
    await this.nats.start();
    // Tests of the bus's mechanisms (chunked replies, the daemon API's framing) on subjects of their
    // own, past any role's permissions: test/bus/auth/ shows what each role may do.
    this.sides = {
      daemon: await this.nats.connect("test-daemon", "unrestricted"),
      cli: await this.nats.connect("test-cli", "unrestricted"),
    };
  }

  get daemon(): NatsConnection {
    return this.opened().daemon;
  }

  get cli(): NatsConnection {
    return this.opened().cli;
  }

  private opened() {
    if (!this.sides) throw new Error("the bus is not open (useBus opens it in a before hook)");
    return this.sides;
  }
}
