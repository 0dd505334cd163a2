import { test } from "uvu";
import * as assert from "uvu/assert";
import { createActor, setup } from "xstate";
import { inboxPrefixOf } from "../../src/bus/auth/permissions.ts";
import { connectBus } from "../../src/bus/connection.ts";
import {
  type ActorTransition,
  publishTransitions,
  republishOnReconnect,
  subscribeEvents,
} from "../../src/bus/events.ts";
import { startNatsServer } from "../../src/bus/nats-server.ts";
import { startTcpProxy } from "../../src/scenario/tcp-proxy.ts";
import { collector } from "../support/wait-for.ts";

const lamp = setup({ types: { events: {} as { type: "POWER" } } }).createMachine({
  id: "lamp",
  initial: "off",
  states: { off: { on: { POWER: "on" } }, on: { on: { POWER: "off" } } },
});

/**
 * A daemon cut off from NATS may lose what it publishes meanwhile; once its
 * connection is back it sends each actor's latest transition again, so a
 * watcher ends on the actor's real state.
 */
test("after its link comes back, the latest transition of each actor arrives again, marked replayed", async () => {
  const server = await startNatsServer();
  // Only the publisher's link is cut, as the scenario runner's `cut` does: the watcher stays connected.
  const link = await startTcpProxy({ host: "127.0.0.1", port: Number(new URL(server.url).port) });
  const publisher = await connectBus(
    { url: `nats://127.0.0.1:${link.port}`, creds: await server.credsForNode("n1") },
    "republish-publisher",
    { inboxPrefix: inboxPrefixOf({ role: "daemon", name: "n1" }) },
  );
  const watcher = await connectBus(server, "republish-watcher");
  const latest = new Map<string, ActorTransition>();
  const actor = createActor(lamp).start();
  const unpublish = publishTransitions(publisher, "n1", "lamp", actor, { onPublish: (t) => latest.set("lamp", t) });
  const stop = republishOnReconnect(publisher, () => latest.values());
  const seen = collector<ActorTransition>();
  const sub = await subscribeEvents(watcher, { node: "n1" }, seen.push);
  try {
    actor.send({ type: "POWER" });
    await seen.waitFor((e) => e.state === "on" && !e.replayed, { timeoutMs: 5_000, what: "off → on" });
    assert.is(
      seen.items.some((e) => e.replayed),
      false,
      "nothing is replayed while connected",
    );

    link.cut();
    link.heal();
    const again = await seen.waitFor((e) => e.replayed === true, {
      timeoutMs: 15_000,
      what: "the lamp's latest transition again after the reconnect",
    });
    assert.equal({ ...again, replayed: undefined }, { ...latest.get("lamp"), replayed: undefined });
    assert.is(again.state, "on");
    assert.is(again.from, "off");
  } finally {
    stop();
    unpublish();
    actor.stop();
    await sub.stop();
    await publisher.close();
    await watcher.close();
    await link.close();
    await server.stop();
  }
});

test.run();
