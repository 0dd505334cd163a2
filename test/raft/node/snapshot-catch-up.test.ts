import { test } from "uvu";
import * as assert from "uvu/assert";
import { enc, sameList, useRaftCluster } from "../../support/raft-cluster.ts";
import { waitFor } from "../../support/wait-for.ts";

const cluster = useRaftCluster(test);

test("a member restarted after the log was compacted catches up through a snapshot", async () => {
  const opts = { snapshotInterval: 10, logEntriesForSlowFollowers: 2 };
  const leader = await cluster.three(opts);
  const lagging = cluster.running().find((m) => m.id !== leader.id);
  assert.ok(lagging, "need a follower");
  await leader.node.propose(enc("first"));
  await cluster.converged([...leader.values]);
  await cluster.stopMember(lagging.id);

  for (let i = 0; i < 60; i++) await leader.node.propose(enc(`v${i}`));
  const all = [...leader.values];
  assert.is(all.length, 61);

  const restoresBefore = lagging.restores;
  const back = await cluster.start(lagging.id, opts);
  await waitFor(() => sameList(back.values, all), {
    timeoutMs: 10_000,
    what: `member ${lagging.id} to hold all 61 values`,
  });
  assert.ok(back.restores > restoresBefore, "the state came from a snapshot (restore was called)");

  // And it keeps following: a new value reaches it too.
  await leader.node.propose(enc("after"));
  await cluster.converged([...all, "after"]);
});

test("a member restarts from its own snapshot and log", async () => {
  const leader = await cluster.leader();
  const follower = cluster.running().find((m) => m.id !== leader.id);
  assert.ok(follower, "need a follower");
  const values = [...leader.values];
  await cluster.converged(values);
  await cluster.stopMember(follower.id);
  const back = await cluster.start(follower.id, { snapshotInterval: 10, logEntriesForSlowFollowers: 2 });
  await waitFor(() => sameList(back.values, values), { timeoutMs: 10_000, what: "the restarted member's state" });
  assert.ok(back.restores > 0);
});

test.run();
