import { test } from "uvu";
import * as assert from "uvu/assert";
import { controlClient } from "../../../src/manager/control-bus/index.ts";
import { CONTROL_QUEUE, controlQueueSubject } from "../../../src/manager/control-bus/subjects.ts";
import { BusCluster, CALLER, CLUSTER, outcome } from "./support/bus-cluster.ts";

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
    const viaQueue = controlClient(c.client, CLUSTER, { timeoutMs: 300, caller: CALLER });
    const queued = await Promise.all(Array.from({ length: 40 }, () => outcome(viaQueue.listNodes())));
    // NATS spreads queue calls over 4 members: 40 calls all missing the ghost has odds of 0.75^40 ≈ 1e-5.
    assert.ok(
      queued.some((r) => !r.ok),
      "through the queue group some calls reach the ghost and time out (this is what `via` avoids)",
    );

    // Another method than above: a listNodes the client gave up on may still reach the leader now.
    const viaLocal = controlClient(c.client, CLUSTER, { timeoutMs: 2_000, caller: CALLER, via: () => "3" });
    for (let i = 0; i < 12; i++) {
      const node = await viaLocal.getNode("n1");
      assert.is(node.spec?.annotations?.name, "m1", "served by the leader");
    }
    const getNodes = (raftId: string) => c.manager(raftId).calls.filter((m) => m === "getNode");
    assert.is(getNodes("1").length, 12, "the local follower forwarded every call to the leader");
    assert.equal(getNodes("3"), [], "the follower served nothing itself");
  } finally {
    ghost.unsubscribe();
  }
});

test.run();
