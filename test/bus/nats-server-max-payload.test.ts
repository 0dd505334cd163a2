import { existsSync } from "node:fs";
import type { NatsConnection } from "@nats-io/transport-node";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { connectBus } from "../../src/bus/connection.ts";
import { type NatsServerHandle, startNatsServer } from "../../src/bus/nats-server.ts";

let server: NatsServerHandle | undefined;
let nc: NatsConnection | undefined;
test.after(async () => {
  await nc?.close();
  await server?.stop();
});

test("a launcher option sets the server's max_payload: clients are told, and a bigger message is refused", async () => {
  server = await startNatsServer({ maxPayload: 64 * 1024 });
  nc = await connectBus(server, "max-payload-test");
  assert.is(nc.info?.max_payload, 65536);
  assert.throws(() => nc?.publish("big", new Uint8Array(64 * 1024 + 1)), /max_payload/);
  nc.publish("fits", new Uint8Array(64 * 1024));
  await nc.flush();
});

test("maxPayload with a config file is refused, before any server starts", async () => {
  try {
    await startNatsServer({ config: "nats.conf", maxPayload: 1024 });
    assert.unreachable("should have thrown");
  } catch (e) {
    assert.match(String(e), /maxPayload cannot be combined with a config file/);
  }
  assert.ok(existsSync("nats.conf"));
});

test.run();
