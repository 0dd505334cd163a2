import { test } from "uvu";
import * as assert from "uvu/assert";
import { enc, useRaftCluster } from "../../support/raft-cluster.ts";
import { waitFor } from "../../support/wait-for.ts";

const cluster = useRaftCluster(test);

test("a removed member leaves the membership everywhere; the other two keep committing", async () => {
  const leader = await cluster.three();
  const [gone, stays] = cluster.running().filter((m) => m.id !== leader.id);
  assert.ok(gone && stays, "need two followers");
  await leader.node.removeMember(gone.id);
  await waitFor(() => stays.node.removedIds().includes(gone.id), { timeoutMs: 5000, what: "the removal applied" });
  assert.equal(
    stays.node
      .members()
      .map((s) => s.member.raftId)
      .sort(),
    [leader.id, stays.id].sort(),
  );
  await leader.node.propose(enc("two members"));
  await waitFor(() => stays.values.includes("two members"), { timeoutMs: 5000, what: "commit with two members" });
  assert.not.ok(gone.values.includes("two members"), "the removed member gets nothing new");

  // It never saw the removal commit; its next messages are answered with a removal notice.
  await waitFor(() => gone.actor?.getSnapshot().value === "removed", {
    timeoutMs: 10_000,
    what: "the removed member's raft actor to reach removed",
  });
  assert.not.ok(gone.node.isMember());
  try {
    await gone.node.propose(enc("late"));
    assert.unreachable();
  } catch (e) {
    assert.is((e as Error).message, "raft: failed to process the request: node is stopped");
  }
});

test.run();
