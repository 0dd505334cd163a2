import { test } from "uvu";
import * as assert from "uvu/assert";
import { toRpcError } from "../../../src/rpc/status.ts";
import { useRaftCluster } from "../../support/raft-cluster.ts";
import { waitFor } from "../../support/wait-for.ts";

/** SwarmKit's updateNodeBlocking: a ConfChange updateNode moves a member's address on every member. */
const cluster = useRaftCluster(test);

test("updateMember gives a member a new address everywhere, same Raft ID; an unknown member is refused", async () => {
  const leader = await cluster.three();
  const other = cluster.running().find((m) => m.id !== leader.id);
  assert.ok(other, "need a follower");
  await leader.node.updateMember(other.id, "10.1.2.3:2377");
  for (const m of cluster.running()) {
    await waitFor(() => m.node.members().find((s) => s.member.raftId === other.id)?.member.addr === "10.1.2.3:2377", {
      timeoutMs: 5_000,
      what: `member ${m.id} to see ${other.id} at 10.1.2.3:2377`,
    });
    const moved = m.node.members().find((s) => s.member.raftId === other.id)?.member;
    assert.equal(moved, { raftId: other.id, nodeId: `node-${other.id}`, addr: "10.1.2.3:2377" });
    assert.is(m.node.members().length, 3);
  }
  const e = await leader.node.updateMember("255", "10.1.2.3:2377").then(
    () => undefined,
    (err: unknown) => toRpcError(err),
  );
  assert.is(e?.message, "member ff is not found for update");
});

test.run();
