import { test } from "uvu";
import * as assert from "uvu/assert";
import { enc, useRaftCluster } from "../../support/raft-cluster.ts";

const cluster = useRaftCluster(test);

test("three members elect one leader and apply 100 proposals in the same order", async () => {
  const leader = await cluster.three();
  const values = Array.from({ length: 100 }, (_, i) => `v${i}`);
  const indexes: number[] = [];
  for (let i = 0; i < values.length; i += 10) {
    indexes.push(...(await Promise.all(values.slice(i, i + 10).map((v) => leader.node.propose(enc(v))))));
  }
  assert.equal(
    [...indexes].sort((a, b) => a - b),
    [...new Set(indexes)].sort((a, b) => a - b),
    "distinct indexes",
  );
  const order = [...leader.values];
  assert.equal([...order].sort(), [...values].sort(), "the leader applied every value once");
  await cluster.converged(order);
  for (const m of cluster.running()) {
    assert.is(m.actor?.getSnapshot().value, m.id === leader.id ? "leader" : "follower", `raft actor of ${m.id}`);
  }
  const members = leader.node.members();
  assert.equal(members.map((s) => [s.member.raftId, s.member.nodeId, s.reachability, s.leader]).sort(), [
    ["1", "node-1", "REACHABLE", leader.id === "1"],
    ["2", "node-2", "REACHABLE", leader.id === "2"],
    ["3", "node-3", "REACHABLE", leader.id === "3"],
  ]);
});

test("a follower refuses proposals at once with ErrLostLeadership", async () => {
  const leader = await cluster.leader();
  const follower = cluster.running().find((m) => m.id !== leader.id);
  try {
    await follower?.node.propose(enc("nope"));
    assert.unreachable("a follower accepted a proposal");
  } catch (e) {
    assert.is((e as Error).message, "raft: failed to process the request: node lost leader status");
  }
});

test.run();
