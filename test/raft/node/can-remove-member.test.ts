import { test } from "uvu";
import * as assert from "uvu/assert";
import { Membership } from "../../../src/raft/node/index.ts";

function cluster(ids: string[]): Membership {
  const m = new Membership();
  for (const id of ids) m.set({ raftId: id, nodeId: `n${id}`, addr: "" });
  return m;
}
const activeOnly = (ids: string[]) => (id: string) => ids.includes(id);

test("SwarmKit's CanRemoveMember: reachable members left (self always) must be a quorum of the current size", () => {
  const three = cluster(["1", "2", "3"]);
  // all up: removing anyone leaves 2 reachable ≥ quorum 2
  assert.ok(three.canRemove("2", "1", activeOnly(["2", "3"])));
  // 3 down: removing 2 leaves self only (1 < 2); removing 3 leaves self + 2
  assert.not.ok(three.canRemove("2", "1", activeOnly(["2"])));
  assert.ok(three.canRemove("3", "1", activeOnly(["2"])));
  // the leader removing itself counts only the others that are active
  assert.ok(three.canRemove("1", "1", activeOnly(["2", "3"])));
  assert.not.ok(three.canRemove("1", "1", activeOnly(["2"])));

  const five = cluster(["1", "2", "3", "4", "5"]);
  // quorum of 5 is 3: two down, removing a live one leaves self + 1 live = 2 < 3
  assert.not.ok(five.canRemove("2", "1", activeOnly(["2", "3"])));
  assert.ok(five.canRemove("4", "1", activeOnly(["2", "3"])));

  const two = cluster(["1", "2"]);
  // nquorum = (2-1)/2+1 = 1 in integer division: removing the other leaves self, enough
  assert.ok(two.canRemove("2", "1", activeOnly([])));
});

test("removed IDs are remembered and survive a reload", () => {
  const m = cluster(["1", "2", "3"]);
  m.remove("3", 9);
  assert.ok(m.isRemoved("3"));
  assert.is(m.removedAt("3"), 9);
  assert.not.ok(m.has("3"));
  const copy = new Membership();
  copy.load(m.list(), m.removed(), 12);
  assert.is(copy.removedAt("3"), 12, "a reloaded removal is known by the snapshot's index");
  assert.ok(copy.isRemoved("3"));
  assert.equal(
    copy.list().map((x) => x.raftId),
    ["1", "2"],
  );
});

test.run();
