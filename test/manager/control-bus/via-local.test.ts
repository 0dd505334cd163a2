import { test } from "uvu";
import * as assert from "uvu/assert";
import { controlClient } from "../../../src/manager/control-bus/index.ts";
import { CONTROL_QUEUE, controlQueueSubject } from "../../../src/manager/control-bus/subjects.ts";
import { BusCluster, CLUSTER, outcome } from "./support/bus-cluster.ts";

let c: BusCluster;
test.before(async () => {
  c = await BusCluster.start();
});
test.after(async () => {
  await c.stop();
});

test("a daemon's calls go through its own manager, so a dead manager's lingering subscription loses none", async () => {
  c.elect("1");
  // A manager that died without closing its connection: the server still routes queue calls to it; it never answers.
  const ghost = c.client.subscribe(controlQueueSubject(CLUSTER), { queue: CONTROL_QUEUE, callback: () => {} });
  await c.client.flush();
  try {
    const viaQueue = controlClient(c.client, CLUSTER, { timeoutMs: 300 });
    const queued = await Promise.all(Array.from({ length: 40 }, () => outcome(viaQueue.listNodes())));
    // NATS spreads queue calls over 4 members: 40 calls all missing the ghost has odds of 0.75^40 ≈ 1e-5.
    assert.ok(
      queued.some((r) => !r.ok),
      "through the queue group some calls reach the ghost and time out (this is what `via` avoids)",
    );

    c.manager("3").calls.length = 0;
    c.manager("1").calls.length = 0;
    const viaLocal = controlClient(c.client, CLUSTER, { timeoutMs: 2_000, via: () => "3" });
    for (let i = 0; i < 12; i++) {
      const nodes = await viaLocal.listNodes();
      assert.is(nodes[0]?.spec?.annotations?.name, "m1", "served by the leader");
    }
    assert.is(c.manager("1").calls.length, 12, "the local follower forwarded every call to the leader");
    assert.equal(c.manager("3").calls, [], "the follower served nothing itself");
  } finally {
    ghost.unsubscribe();
  }
});

test.run();
