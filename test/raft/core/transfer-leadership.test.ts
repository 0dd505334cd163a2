import { test } from "uvu";
import * as assert from "uvu/assert";
import { ErrProposalDropped } from "../../../src/raft/core/index.ts";
import { Cluster, enc } from "./support/core-cluster.ts";

test("transferring leadership: the target is caught up, gets MsgTimeoutNow and wins the next term", () => {
  const c = new Cluster(["1", "2", "3"]);
  c.elect("1");
  c.isolate("2");
  c.propose("1", "a");
  c.heal();
  const term = c.core("1").status().term;
  c.sent.length = 0;
  c.core("1").transferLeadership("2");
  c.flushAll();
  c.deliverAll();
  const types = c.sent.map((m) => m.type);
  assert.ok(types.indexOf("MsgApp") < types.indexOf("MsgTimeoutNow"), "caught up first, then told to campaign");
  assert.is(c.core("2").status().role, "leader");
  assert.is(c.core("2").status().term, term + 1);
  assert.is(c.core("1").status().lead, "2");
  assert.equal(c.appliedData("2"), ["a"]);
});

test("proposals are dropped while a transfer is in flight; it aborts after an election timeout", () => {
  const c = new Cluster(["1", "2", "3"]);
  c.elect("1");
  c.isolate("2");
  c.propose("1", "a");
  c.core("1").transferLeadership("2");
  c.flushAll();
  c.deliverAll();
  assert.throws(
    () => c.core("1").propose(enc("b")),
    (e: unknown) => e instanceof ErrProposalDropped,
  );
  c.tick("1", 10);
  c.deliverAll();
  assert.is(c.core("1").status().role, "leader", "3 keeps it leader");
  c.core("1").propose(enc("b"));
  c.flushAll();
  c.deliverAll();
  assert.equal(c.appliedData("1"), ["a", "b"]);
});

test("a follower asked to transfer forwards the request to the leader", () => {
  const c = new Cluster(["1", "2", "3"]);
  c.elect("1");
  c.core("3").transferLeadership("3");
  c.flushAll();
  c.deliverAll();
  assert.is(c.core("3").status().role, "leader");
  assert.is(c.core("1").status().lead, "3");
});

test.run();
