import { headers } from "@nats-io/transport-node";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { subjects } from "../../../src/bus/subjects.ts";
import { Code } from "../../../src/rpc/status.ts";
import { assertRefused, NOT_A_MANAGER, type WireReply } from "../../support/wire-refusal.ts";
import { BusCluster, CLUSTER } from "./support/bus-cluster.ts";

/**
 * A follower's store applies the leader's writes a little later. A node the leader has just
 * made a manager (a join with the manager token, a promotion) called, as its first act, the
 * raft join through whichever manager took the call: a follower that had not applied the
 * write yet refused it as a worker, and the join failed at once. The follower now passes a
 * caller it does not know as a manager on to the leader, whose store decides.
 */
let c: BusCluster;
test.before(async () => {
  c = await BusCluster.start();
  c.elect("1");
});
test.after(async () => {
  await c.stop();
});
test.before.each(() => {
  for (const m of c.managers) m.calls.length = 0;
});

const control = (rest: string) => `${subjects().prefix}.cluster.${CLUSTER}.control.${rest}`;
async function call(subject: string, body = "{}", hdr: Record<string, string> = {}): Promise<WireReply> {
  const h = headers();
  for (const [k, v] of Object.entries(hdr)) h.set(k, v);
  return (await c.client.request(subject, body, { timeout: 5000, headers: h })).json<WireReply>();
}

test("a new manager's raft join on a follower that still has it as a worker is answered by the leader", async () => {
  c.standings.set("m9", "manager");
  c.manager("2").ownStandings.set("m9", "worker");
  c.manager("3").ownStandings.set("m9", "unknown");
  for (const follower of ["2", "3"]) {
    const r = await call(control(`raftJoin.m9.${follower}`), JSON.stringify({ nodeId: "m9", addr: "10.0.0.9:2377" }));
    assert.ok(r.ok, JSON.stringify(r));
  }
  assert.equal(c.manager("1").calls, ["raftJoin m9", "raftJoin m9"]);
  assert.equal(c.manager("2").calls, []);
  assert.equal(c.manager("3").calls, []);
});

test("a worker is still refused through a follower, in the words of a direct refusal, and nothing runs", async () => {
  c.standings.set("w1", "worker");
  refusedAsWorker(await call(control("joinTokens.w1.2")));
  refusedAsWorker(await call(control("raftJoin.w1.3"), JSON.stringify({ nodeId: "w1", addr: "10.0.0.8:2377" })));
  for (const m of c.managers) assert.equal(m.calls, [], `manager ${m.name} ran nothing`);
});

test("the leader believes a call passed on unverified only from a manager", async () => {
  c.standings.set("w1", "worker");
  c.standings.set("m9", "manager");
  const r = await call(control("joinTokens.w1.1"), "{}", {
    "Swarmbus-Forwarded-Caller": "m9",
    "Swarmbus-Caller-Unverified": "1",
  });
  assertRefused(r, Code.PermissionDenied, `Permission denied: unauthorized forwarder role: ${NOT_A_MANAGER}`);
  assert.equal(c.manager("1").calls, []);
});

test("with no leader known, the follower's own store decides", async () => {
  c.elect(undefined);
  c.standings.set("m9", "manager");
  c.manager("2").ownStandings.set("m9", "worker");
  refusedAsWorker(await call(control("joinTokens.m9.2")));
  c.elect("1");
});

function refusedAsWorker(r: WireReply): void {
  assertRefused(r, Code.PermissionDenied, `Permission denied: unauthorized peer role: ${NOT_A_MANAGER}`);
}

test.run();
