import { test } from "uvu";
import * as assert from "uvu/assert";
import { NONE } from "../../../src/raft/types.ts";
import { Cluster } from "./support/core-cluster.ts";

test("a leader that hears from no quorum for an election timeout steps down", () => {
  const c = new Cluster(["1", "2", "3"]);
  c.elect("1");
  c.isolate("1");
  // Within the first election timeout it still counts the followers it heard from.
  for (let i = 0; i < 10; i++) {
    c.tick("1");
    c.deliverAll();
  }
  assert.is(c.core("1").status().role, "leader");
  for (let i = 0; i < 10; i++) {
    c.tick("1");
    c.deliverAll();
  }
  const s = c.core("1").status();
  assert.is(s.role, "follower");
  assert.is(s.lead, NONE);
  const soft = c.node("1").readies.flatMap((r) => (r.softState ? [r.softState] : []));
  assert.equal(soft.at(-1), { lead: NONE, role: "follower" }, "the step-down is in a Ready");
});

test("a leader that keeps hearing from a quorum stays leader", () => {
  const c = new Cluster(["1", "2", "3"]);
  c.elect("1");
  c.isolate("3");
  for (let i = 0; i < 50; i++) {
    c.tick("1");
    c.deliverAll();
  }
  assert.is(c.core("1").status().role, "leader");
});

test("a follower that recently heard from its leader ignores a vote request of a higher term (the lease)", () => {
  const c = new Cluster(["1", "2", "3"], { preVote: false });
  c.elect("1");
  const term = c.core("2").status().term;
  c.core("2").step({
    type: "MsgVote",
    from: "3",
    to: "2",
    term: term + 5,
    logTerm: 99,
    index: 99,
    entries: [],
    commit: 0,
    reject: false,
    rejectHint: 0,
  });
  c.flush(c.node("2"));
  assert.is(c.core("2").status().term, term, "term unchanged");
  assert.is(c.core("2").status().lead, "1");
  assert.is(c.queue.filter((m) => m.from === "2" && m.type === "MsgVoteResp").length, 0, "no answer at all");
});

test.run();
