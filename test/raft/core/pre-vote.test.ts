import { test } from "uvu";
import * as assert from "uvu/assert";
import { Cluster } from "./support/core-cluster.ts";

test("a partitioned member pre-votes without bumping its term, and does not disrupt the leader when it rejoins", () => {
  const c = new Cluster(["1", "2", "3"]);
  c.elect("1");
  const term = c.core("1").status().term;
  c.isolate("3");
  for (let i = 0; i < 10; i++) {
    c.tick("3", 25);
    c.deliverAll();
  }
  const s3 = c.core("3").status();
  assert.is(s3.term, term, "pre-vote never bumps the term");
  assert.is(s3.role, "preCandidate");
  c.heal();
  // 3 pre-votes again at the higher term; 1 and 2 heard from their leader and refuse.
  c.tick("3", 25);
  c.deliverAll();
  assert.is(c.core("1").status().role, "leader");
  assert.is(c.core("1").status().term, term, "the leader kept its term");
  // The leader's next heartbeat brings 3 back as a follower.
  c.tick("1");
  c.deliverAll();
  assert.equal(c.core("3").status().lead, "1");
  assert.is(c.core("3").status().role, "follower");
});

test("without pre-vote the same rejoiner would have bumped the term (what pre-vote prevents)", () => {
  const c = new Cluster(["1", "2", "3"], { preVote: false });
  c.elect("1");
  const term = c.core("1").status().term;
  c.isolate("3");
  c.tick("3", 25);
  c.deliverAll();
  assert.ok(c.core("3").status().term > term);
});

test.run();
