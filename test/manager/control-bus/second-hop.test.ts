import { headers } from "@nats-io/transport-node";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { leaderSubject, REDIRECT_HEADER } from "../../../src/manager/control-bus/index.ts";
import { isRpcError } from "../../../src/rpc/status.ts";
import { BusCluster, CLUSTER, outcome } from "./support/bus-cluster.ts";

let c: BusCluster;
test.before(async () => {
  c = await BusCluster.start();
});
test.after(async () => {
  await c.stop();
});

test("stale views in a ring (1→2, 2→3, 3→1): every call is forwarded once and refused at the second manager", async () => {
  c.manager("1").view.leader = "2";
  c.manager("2").view.leader = "3";
  c.manager("3").view.leader = "1";
  const client = c.controlClient();
  for (let i = 0; i < 9; i++) {
    const r = await outcome(client.listNodes());
    assert.not.ok(r.ok);
    if (!r.ok) {
      assert.ok(isRpcError(r.err, "ResourceExhausted"), String(r.err));
      assert.match(r.err.message, /^more than one redirect to leader from: \[10\.0\.0\.[123]:2377\]$/);
    }
  }
  for (const m of c.managers) assert.equal(m.calls, [], "no handler ran");
});

test("a forwarded call that reaches a manager which is not the leader names the forwarder", async () => {
  c.elect("3");
  const h = headers();
  h.set(REDIRECT_HEADER, "10.0.0.1:2377");
  // Manager 2 receives a call forwarded by manager 1, but the leader is 3.
  const msg = await c.client.request(leaderSubject(CLUSTER, "listNodes", "m1", "2"), "{}", {
    timeout: 5000,
    headers: h,
  });
  assert.equal(msg.json(), {
    ok: false,
    error: { code: 8, message: "more than one redirect to leader from: [10.0.0.1:2377]" },
  });
  assert.equal(c.manager("3").calls, []);
});

test("a forwarded call that reaches the leader is served", async () => {
  c.elect("2");
  const h = headers();
  h.set(REDIRECT_HEADER, "10.0.0.1:2377");
  const msg = await c.client.request(leaderSubject(CLUSTER, "joinTokens", "m1", "2"), "{}", {
    timeout: 5000,
    headers: h,
  });
  assert.is((msg.json() as { ok: boolean }).ok, true);
  assert.equal(c.manager("2").calls, ["joinTokens"]);
});

test.run();
