import { test } from "uvu";
import * as assert from "uvu/assert";
import { type ActorTransition, type EventsSubscription, subscribeEvents } from "../../src/bus/events.ts";
import { collector } from "../support/wait-for.ts";
import { DaemonCluster } from "./support/daemon-cluster.ts";

let c: DaemonCluster;
let sub: EventsSubscription | undefined;

test.before(async () => {
  c = await DaemonCluster.start();
});
test.after(async () => {
  await sub?.stop();
  await c.stop();
});

test("init and a forced leave of the only manager, as seen on the events stream", async () => {
  const events = collector<ActorTransition>();
  sub = await subscribeEvents(c.nc, { node: "m1" }, events.push);
  await c.daemon("m1");
  await c.call("m1", "init", { listenAddr: "127.0.0.1:0" });
  const seen = (actor: string, state: string) => (e: ActorTransition) => e.actor === actor && e.state === state;
  const bound = (what: string) => ({ timeoutMs: 5000, what });
  await events.waitFor(seen("clusterState", "pending"), bound("clusterState pending"));
  await events.waitFor(seen("clusterState", "active"), bound("clusterState active"));
  await events.waitFor(
    (e) => e.actor === "node" && e.state.startsWith("running.") && e.state.includes("manager.ready"),
    bound("node running with its manager ready"),
  );

  await c.call("m1", "leave", { force: true });
  await events.waitFor(seen("node", "leaving"), bound("node leaving"));
  await events.waitFor(
    (e) => e.actor === "clusterState" && e.state === "inactive" && e.from === "active",
    bound("inactive"),
  );
  const info = await c.call("m1", "info", {});
  assert.is(info.LocalNodeState, "inactive");
  assert.is(info.ControlAvailable, false);
});

test.run();
