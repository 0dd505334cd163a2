import { test } from "uvu";
import * as assert from "uvu/assert";
import { Cluster, dec, enc } from "./support/core-cluster.ts";

test("a follower whose next entry was compacted away gets the snapshot, then the entries after it", () => {
  const c = new Cluster(["1", "2", "3"]);
  c.elect("1");
  c.isolate("3");
  for (let i = 0; i < 10; i++) c.propose("1", `e${i}`);
  // The leader's shell snapshots its state machine and compacts the log.
  const l = c.node("1");
  const applied = l.applied.at(-1)!.index;
  l.storage.createSnapshot(applied, { voters: ["1", "2", "3"] }, enc(JSON.stringify(c.appliedData("1"))));
  l.storage.compact(applied);
  c.propose("1", "after");
  c.heal();
  c.sent.length = 0;
  c.tick("1");
  c.deliverAll();
  const snaps = c.sent.filter((m) => m.type === "MsgSnap");
  assert.is(snaps.length, 1);
  assert.is(snaps[0]!.to, "3");
  assert.is(snaps[0]!.snapshot?.metadata.index, applied);
  // The follower's shell got it in a Ready and installed it.
  const rd = c.node("3").readies.find((r) => r.snapshot);
  assert.ok(rd, "a Ready carries the snapshot");
  assert.equal(
    JSON.parse(dec(rd.snapshot!.data)),
    [...Array(10).keys()].map((i) => `e${i}`),
  );
  assert.is(c.node("3").storage.snapshot().metadata.index, applied);
  assert.ok(c.core("3").status().commit >= applied);
  // The leader is told the snapshot arrived; the follower then gets what came after.
  c.core("1").reportSnapshot("3", true);
  c.flush(l);
  c.tick("1");
  c.deliverAll();
  assert.equal(c.appliedData("3"), ["after"], "entries after the snapshot are applied normally");
  assert.is(c.core("1").status().progress["3"]?.match, c.core("1").lastIndex());
});

test("a failed snapshot send (reportSnapshot false) is retried", () => {
  const c = new Cluster(["1", "2", "3"]);
  c.elect("1");
  c.isolate("3");
  for (let i = 0; i < 5; i++) c.propose("1", `e${i}`);
  const l = c.node("1");
  const applied = l.applied.at(-1)!.index;
  l.storage.createSnapshot(applied, { voters: ["1", "2", "3"] }, enc("[]"));
  l.storage.compact(applied);
  c.heal();
  c.drop = (m) => m.type === "MsgSnap";
  c.sent.length = 0;
  c.tick("1");
  c.deliverAll();
  assert.is(c.sent.filter((m) => m.type === "MsgSnap").length, 1);
  c.core("1").reportSnapshot("3", false);
  c.flush(l);
  c.drop = () => false;
  c.tick("1");
  c.deliverAll();
  assert.is(c.sent.filter((m) => m.type === "MsgSnap").length, 2, "sent again");
  assert.is(c.node("3").storage.snapshot().metadata.index, applied);
});

test("a restarted member starts from its snapshot and the entries it persisted", () => {
  const c = new Cluster(["1", "2", "3"]);
  c.elect("1");
  for (let i = 0; i < 6; i++) c.propose("1", `e${i}`);
  const f = c.node("2");
  const applied = f.applied.at(-1)!.index;
  f.storage.createSnapshot(applied - 2, { voters: ["1", "2", "3"] }, enc("snap"));
  f.storage.compact(applied - 2);
  const n = c.restart("2");
  // Re-applies what the snapshot does not cover.
  assert.equal(c.appliedData("2"), ["e4", "e5"]);
  assert.is(n.core.status().applied, applied);
});

test.run();
