import { test } from "uvu";
import * as assert from "uvu/assert";
import { waitFor } from "../support/wait-for.ts";
import { JoinManagers } from "./support/join-managers.ts";

/**
 * SK raft.Join from a node that is already a member: no new member, a
 * ConfChange updateNode with its new address that every member applies; the
 * answer carries its existing Raft ID.
 */
let c: JoinManagers;
test.before(async () => {
  c = await JoinManagers.start();
});
test.after(async () => {
  await c.close();
});

test("a member's second Join moves its address on every member and keeps its Raft ID", async () => {
  const m2 = await c.join("m2");
  const m2Id = m2.raft.raftId;
  const newAddr = await c.healthyAddress();
  assert.is.not(newAddr, m2.advertiseAddr);

  const nodeId = c.leader.raft.members().find((s) => s.member.raftId === m2Id)?.member.nodeId ?? "";
  const control = await c.control(nodeId);
  const r = await control.raftJoin({ nodeId, addr: newAddr });
  assert.is(r.raftId, m2Id);
  assert.is(r.members.length, 2);
  assert.is(r.members.find((m) => m.raftId === m2Id)?.addr, newAddr);

  for (const m of c.managers) {
    await waitFor(() => m.raft.members().find((s) => s.member.raftId === m2Id)?.member.addr === newAddr, {
      timeoutMs: 5_000,
      what: `manager ${m.raftId()} to list member ${m2Id} at ${newAddr}`,
    });
    assert.is(m.raft.members().length, 2);
  }
});

test.run();
