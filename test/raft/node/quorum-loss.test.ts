import { test } from "uvu";
import * as assert from "uvu/assert";
import { enc, testProfile, useRaftCluster } from "../../support/raft-cluster.ts";
import { waitFor } from "../../support/wait-for.ts";

const cluster = useRaftCluster(test);

test("a leader that loses quorum steps down; its pending proposal fails with ErrLostLeadership", async () => {
  const leader = await cluster.three();
  await leader.node.propose(enc("before"));
  for (const m of cluster.running()) if (m.id !== leader.id) await cluster.stopMember(m.id);

  const pending = leader.node.propose(enc("never committed")).then(
    () => "resolved",
    (e: Error) => e.message,
  );
  assert.is(await pending, "raft: failed to process the request: node lost leader status");
  assert.not.ok(leader.node.isLeader());
  await waitFor(() => leader.actor?.getSnapshot().value !== "leader", {
    timeoutMs: 5000,
    what: "the raft actor to leave leader",
  });
  await waitFor(() => leader.node.lostQuorum(), {
    timeoutMs: 10 * testProfile.raftTickMs * testProfile.raftElectionTicks,
    what: "more than electionTick ticks with no leader",
  });
  assert.ok(leader.node.ticksWithNoLeader() > testProfile.raftElectionTicks);
  try {
    await leader.node.propose(enc("refused"));
    assert.unreachable();
  } catch (e) {
    assert.is((e as Error).message, "raft: failed to process the request: node lost leader status");
  }
});

test.run();
