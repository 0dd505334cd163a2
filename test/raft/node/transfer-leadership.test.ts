import { test } from "uvu";
import * as assert from "uvu/assert";
import { enc, useRaftCluster } from "../../support/raft-cluster.ts";

const cluster = useRaftCluster(test);

test("the leader hands leadership to a follower, which then takes proposals", async () => {
  const leader = await cluster.three();
  const target = cluster.running().find((m) => m.id !== leader.id);
  assert.ok(target, "need a follower");
  const leadership: boolean[] = [];
  leader.actor?.subscribe((s) => leadership.push(s.value === "leader"));
  await leader.node.transferLeadership(target.id);
  const now = await cluster.leader();
  assert.is(now.id, target.id);
  assert.is(leader.actor?.getSnapshot().value, "follower");
  assert.ok(leadership.includes(false), "the old leader's raft actor left leader");
  const index = await target.node.propose(enc("from the new leader"));
  assert.ok(index > 0);
  await cluster.converged([...target.values]);
  try {
    await leader.node.transferLeadership(target.id);
    assert.unreachable();
  } catch (e) {
    assert.is((e as Error).message, "raft: failed to process the request: node lost leader status");
  }
});

test.run();
