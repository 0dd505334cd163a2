import type { NatsConnection } from "@nats-io/transport-node";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { discoverDaemons } from "../../src/inspect/dashboard/discover.ts";
import { type Dashboard, startDashboard } from "../../src/inspect/dashboard/index.ts";
import { onTeardown } from "../support/fixture.ts";
import { useSwarm } from "../support/swarm.ts";
import { waitFor } from "../support/wait-for.ts";

const swarm = useSwarm(test);
let nc: NatsConnection;
let dashboard: Dashboard | undefined;

test.before(async () => {
  nc = await swarm.nats.connect("dashboard-discovery-test");
});
onTeardown(test, () => dashboard?.close());

test("a dashboard started late finds idle daemons and starts from their actors' current states", async () => {
  assert.equal(await discoverDaemons(nc, 300), [], "no daemon yet: an empty list, not an error");
  // Two daemons with no swarm: after start-up they publish nothing more, so only discovery can find them.
  await swarm.daemon("d1");
  await swarm.daemon("d2");
  assert.equal(await discoverDaemons(nc, 1000), ["d1", "d2"]);

  dashboard = await startDashboard({ nc, port: 0, pollMs: 200 });
  const model = dashboard.model;
  const snap = await waitFor(
    () => {
      const s = model.snapshot();
      return s.actors.length >= 4 && s;
    },
    { timeoutMs: 10_000, what: "the node and clusterState actors of both daemons", intervalMs: 50 },
  );
  assert.equal(snap.actors.map((a) => `${a.node}/${a.actor}=${a.transition.state}`).sort(), [
    "d1/clusterState=inactive",
    "d1/node=inactive",
    "d2/clusterState=inactive",
    "d2/node=inactive",
  ]);
  assert.equal(snap.daemons, [
    { name: "d1", reachable: true },
    { name: "d2", reachable: true },
  ]);
  // No manager anywhere: the nodes table says why, in docker's words.
  const nodes = await waitFor(() => model.snapshot().nodes.error, {
    timeoutMs: 10_000,
    what: "the node.ls error",
    intervalMs: 50,
  });
  assert.match(nodes, /^Error response from daemon: This node is not a swarm manager/);
});

test.run();
