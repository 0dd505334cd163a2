import { test } from "uvu";
import * as assert from "uvu/assert";
import { Cluster, dec, enc } from "./support/core-cluster.ts";

test("proposals are committed by a quorum and applied in order on every member", () => {
  const c = new Cluster(["1", "2", "3"]);
  c.elect("1");
  for (const d of ["a", "b", "c"]) c.propose("1", d);
  for (const id of ["1", "2", "3"]) assert.equal(c.appliedData(id), ["a", "b", "c"]);
});

test("a minority down does not stop commits; the member catches up when back", () => {
  const c = new Cluster(["1", "2", "3"]);
  c.elect("1");
  c.isolate("3");
  c.propose("1", "a");
  c.propose("1", "b");
  assert.equal(c.appliedData("1"), ["a", "b"]);
  assert.equal(c.appliedData("3"), []);
  c.heal();
  c.tick("1");
  c.deliverAll();
  assert.equal(c.appliedData("3"), ["a", "b"]);
});

test("with a majority down nothing commits", () => {
  const c = new Cluster(["1", "2", "3"]);
  c.elect("1");
  c.isolate("2");
  c.isolate("3");
  c.propose("1", "a");
  assert.equal(c.appliedData("1"), []);
  assert.is(c.core("1").status().commit, c.core("1").lastIndex() - 1);
});

test("entries are batched: no MsgApp carries more than maxSizePerMsg bytes unless it is a single entry", () => {
  const c = new Cluster(["1", "2", "3"], { maxSizePerMsg: 100 });
  c.elect("1");
  c.isolate("3");
  for (let i = 0; i < 20; i++) c.core("1").propose(enc(`entry-${String(i).padStart(3, "0")}`));
  c.flushAll();
  c.deliverAll();
  c.heal();
  c.sent.length = 0;
  c.tick("1");
  c.deliverAll();
  const apps = c.sent.filter((m) => m.type === "MsgApp" && m.to === "3" && m.entries.length > 0);
  assert.ok(apps.length > 1, "the backlog went out in several messages");
  for (const m of apps) {
    const size = m.entries.reduce((n, e) => n + e.data.byteLength + 16, 0);
    assert.ok(m.entries.length === 1 || size <= 100, `a MsgApp of ${size} bytes`);
  }
  assert.is(c.appliedData("3").length, 20);
  assert.is(dec(c.node("3").applied.at(-1)!.data), "entry-019");
});

test("pipelining: a replicating follower gets up to maxInflightMsgs MsgApp before any answer", () => {
  const c = new Cluster(["1", "2", "3"], { maxInflightMsgs: 3 });
  c.elect("1");
  c.queue = [];
  c.sent.length = 0;
  for (let i = 0; i < 6; i++) {
    c.core("1").propose(enc(`p${i}`));
    c.flush(c.node("1"));
  }
  const to2 = c.sent.filter((m) => m.type === "MsgApp" && m.to === "2");
  assert.is(to2.length, 3, "the window is full after 3 messages");
  c.deliverAll();
  c.tick("1");
  c.deliverAll();
  assert.is(c.appliedData("2").length, 6, "acknowledgements free the window and the rest follows");
});

test("reportUnreachable moves a replicating follower back to probing (one message at a time)", () => {
  const c = new Cluster(["1", "2", "3"]);
  c.elect("1");
  c.queue = [];
  c.core("1").reportUnreachable("2");
  c.sent.length = 0;
  for (let i = 0; i < 3; i++) {
    c.core("1").propose(enc(`p${i}`));
    c.flush(c.node("1"));
  }
  assert.is(c.sent.filter((m) => m.type === "MsgApp" && m.to === "2").length, 1, "probe: one in flight");
  assert.is(c.sent.filter((m) => m.type === "MsgApp" && m.to === "3").length, 3, "3 still replicates");
});

test.run();
