import { test } from "uvu";
import * as assert from "uvu/assert";
import { ErrProposalDropped } from "../../../src/raft/core/index.ts";
import type { ConfChange } from "../../../src/raft/types.ts";
import { Cluster } from "./support/core-cluster.ts";

const cc = (type: ConfChange["type"], nodeId: string): ConfChange => ({ type, nodeId, context: new Uint8Array() });

test("adding a member: it takes effect when applied, the joiner catches up and counts for quorum", () => {
  const c = new Cluster(["1", "2", "3"]);
  c.elect("1");
  c.propose("1", "a");
  c.add("4"); // a joiner starts with empty storage and waits for the leader
  c.core("1").proposeConfChange(cc("addNode", "4"));
  assert.equal(c.core("1").status().voters, ["1", "2", "3"], "not before it is applied");
  c.flushAll();
  c.deliverAll();
  assert.equal(c.core("1").status().voters, ["1", "2", "3", "4"]);
  c.tick("1");
  c.deliverAll();
  assert.equal(c.appliedData("4"), ["a"], "the joiner replayed the log");
  assert.equal(c.core("4").status().voters, ["1", "2", "3", "4"]);
  // 4 members: a quorum is 3, so with 2 and 3 down nothing commits.
  c.isolate("2");
  c.isolate("3");
  c.propose("1", "b");
  assert.equal(c.appliedData("1"), ["a"]);
});

test("one conf change at a time: a second one while the first is pending is dropped", () => {
  const c = new Cluster(["1", "2", "3"]);
  c.elect("1");
  c.isolate("2");
  c.isolate("3");
  c.core("1").proposeConfChange(cc("addNode", "4"));
  assert.throws(
    () => c.core("1").proposeConfChange(cc("addNode", "5")),
    (e: unknown) => e instanceof ErrProposalDropped,
  );
  // Plain proposals still go through.
  c.core("1").propose(new Uint8Array([1]));
  c.heal();
  c.flushAll();
  c.deliverAll();
  // Applied: the next one is accepted.
  c.core("1").proposeConfChange(cc("addNode", "5"));
});

test("removing a member: it no longer counts, and its messages are ignored", () => {
  const c = new Cluster(["1", "2", "3"]);
  c.elect("1");
  c.core("1").proposeConfChange(cc("removeNode", "3"));
  c.flushAll();
  c.deliverAll();
  assert.equal(c.core("1").status().voters, ["1", "2"]);
  // With 3 gone, {1,2} is the whole cluster: commits need only 1 and 2.
  c.isolate("3");
  c.propose("1", "x");
  assert.equal(c.appliedData("2"), ["x"]);
  // A removed member's campaign (it never learned of its removal) is ignored.
  c.heal();
  const term = c.core("1").status().term;
  c.core("1").step({
    type: "MsgVote",
    from: "3",
    to: "1",
    term: term + 10,
    logTerm: 100,
    index: 100,
    entries: [],
    commit: 0,
    reject: false,
    rejectHint: 0,
  });
  assert.is(c.core("1").status().role, "leader");
  assert.is(c.core("1").status().term, term);
});

test("a member that applied its own removal cannot campaign", () => {
  const c = new Cluster(["1", "2", "3"]);
  c.elect("1");
  c.core("1").proposeConfChange(cc("removeNode", "3"));
  c.flushAll();
  c.deliverAll();
  c.tick("1");
  c.deliverAll();
  assert.equal(c.core("3").status().voters, ["1", "2"]);
  c.isolate("3");
  c.tick("3", 100);
  assert.is(c.core("3").status().role, "follower");
});

test.run();
