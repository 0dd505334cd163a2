import { test } from "uvu";
import * as assert from "uvu/assert";
import { JoinManagers } from "./support/join-managers.ts";

/**
 * A joiner whose raft Join timed out asks again (joinRaft's retry) while the leader
 * may still be answering the first: SK raft.Join answers one at a time under
 * membershipLock, so both answers name one Raft ID and the memberlist gains one
 * member. Answered side by side, each took a fresh ID and the second failed
 * "raft: propose configuration change refused" (one conf change pending at a time).
 */
let c: JoinManagers;
test.before(async () => {
  c = await JoinManagers.start();
});
test.after(async () => {
  await c.close();
});

test("two joins of one manager in flight at once: one Raft ID, one new member", async () => {
  const nodeId = await c.managerNodeId();
  const addr = await c.healthyAddress();
  const control = await c.control(nodeId);
  const [first, second] = await Promise.allSettled([
    control.raftJoin({ nodeId, addr }),
    control.raftJoin({ nodeId, addr }),
  ]);
  assert.is(first.status, "fulfilled", first.status === "rejected" ? String(first.reason) : "");
  assert.is(second.status, "fulfilled", second.status === "rejected" ? String(second.reason) : "");
  if (first.status !== "fulfilled" || second.status !== "fulfilled") return;
  assert.is(second.value.raftId, first.value.raftId);
  const ofNode = c.leader.raft.members().filter((s) => s.member.nodeId === nodeId);
  assert.equal(
    ofNode.map((s) => s.member.raftId),
    [first.value.raftId],
  );
  assert.is(c.leader.raft.members().length, 2);
});

test.run();
