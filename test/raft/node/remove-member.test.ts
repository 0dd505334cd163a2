import { test } from "uvu";
import * as assert from "uvu/assert";
import { useRaftCluster } from "../../support/raft-cluster.ts";
import { waitFor } from "../../support/wait-for.ts";

const cluster = useRaftCluster(test);

const message = (p: Promise<unknown>) =>
  p.then(
    () => "ok",
    (e: Error) => e.message,
  );

test("removing a live member while another is down is refused with ErrCannotRemoveMember", async () => {
  const leader = await cluster.three();
  const [down, live] = cluster.running().filter((m) => m.id !== leader.id);
  assert.ok(down && live, "need two followers");
  await cluster.stopMember(down.id);
  await waitFor(() => leader.node.members().find((s) => s.member.raftId === down.id)?.reachability === "UNREACHABLE", {
    timeoutMs: 5000,
    what: `member ${down.id} to show UNREACHABLE`,
  });
  assert.is(
    await message(leader.node.removeMember(live.id)),
    "raft: member cannot be removed, because removing it may result in loss of quorum",
  );
  assert.is(await message(leader.node.removeMember("999")), "raft: member unknown");
  assert.is(
    await message(live.node.removeMember(down.id)),
    "raft: failed to process the request: node lost leader status",
    "only the leader removes members",
  );

  // Removing the unreachable one keeps a quorum: allowed, and its ID is never used again.
  assert.is(await message(leader.node.removeMember(down.id)), "ok");
  assert.equal(
    leader.node
      .members()
      .map((s) => s.member.raftId)
      .sort(),
    [leader.id, live.id].sort(),
  );
  await waitFor(() => live.node.removedIds().includes(down.id), { timeoutMs: 5000, what: "the follower to apply it" });
  assert.is(
    await message(leader.node.addMember({ raftId: down.id, nodeId: "again", addr: "127.0.0.1:1" })),
    "membership: node was removed during cluster lifetime",
  );
  assert.is(
    await message(leader.node.addMember({ raftId: live.id, nodeId: "dup", addr: "127.0.0.1:1" })),
    "membership: can't add node to cluster, node id is a duplicate",
  );
});

test.run();
