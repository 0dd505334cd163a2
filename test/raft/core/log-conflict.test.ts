import { test } from "uvu";
import * as assert from "uvu/assert";
import { Cluster, dec, enc } from "./support/core-cluster.ts";

const log = (c: Cluster, id: string): string[] => {
  const s = c.node(id).storage;
  return s.entries(s.firstIndex(), s.lastIndex() + 1, Number.POSITIVE_INFINITY).map((e) => `${e.term}:${dec(e.data)}`);
};

test("an old leader's uncommitted entries are replaced by the new leader's log", () => {
  const c = new Cluster(["1", "2", "3"], {}, { "3": { random: () => 0.99 } });
  c.elect("1");
  c.propose("1", "a");
  c.isolate("1");
  // 1 keeps accepting proposals it can never commit.
  for (const d of ["lost1", "lost2", "lost3"]) c.propose("1", d);
  c.tick("3", 12);
  c.elect("2");
  assert.is(c.core("2").status().role, "leader");
  c.propose("2", "b");
  c.propose("2", "c");
  c.heal();
  c.tick("2");
  c.deliverAll();
  assert.equal(log(c, "1"), log(c, "2"), "1's log now matches the leader's");
  assert.equal(log(c, "3"), log(c, "2"));
  assert.ok(!log(c, "1").some((e) => e.includes("lost")), "the uncommitted entries are gone");
  assert.equal(c.appliedData("1"), ["a", "b", "c"]);
});

test("a follower missing many entries is probed back to where the logs match", () => {
  const c = new Cluster(["1", "2", "3"]);
  c.elect("1");
  c.isolate("3");
  for (let i = 0; i < 30; i++) c.core("1").propose(enc(`e${i}`));
  c.flushAll();
  c.deliverAll();
  c.heal();
  c.tick("1");
  c.deliverAll();
  assert.is(c.appliedData("3").length, 30);
  assert.equal(log(c, "3"), log(c, "1"));
});

test.run();
