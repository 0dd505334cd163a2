import { test } from "uvu";
import * as assert from "uvu/assert";
import { ErrInvalidMessage, ErrStepLocalMsg } from "../../../src/raft/core/index.ts";
import { msg } from "../../../src/raft/core/messages.ts";
import type { ReadState } from "../../../src/raft/types.ts";
import { Cluster, dec, enc } from "./support/core-cluster.ts";

/** Every ReadState `id` has handed out, as "ctx@index". */
const readsOf = (c: Cluster, id: string): string[] =>
  c
    .node(id)
    .readies.flatMap((r) => r.readStates)
    .map((rs: ReadState) => `${dec(rs.ctx)}@${rs.index}`);

function read(c: Cluster, id: string, ctx: string): void {
  c.core(id).readIndex(enc(ctx));
  c.flush(c.node(id));
}

test("a read is released only once a quorum has acknowledged the leader's heartbeat carrying it", () => {
  const c = new Cluster(["1", "2", "3"]);
  c.elect("1");
  c.propose("1", "x");
  const commit = c.core("1").status().commit;
  read(c, "1", "r1");
  assert.equal(readsOf(c, "1"), [], "nothing before any follower answered");
  const beats = c.queue.filter((m) => m.type === "MsgHeartbeat" && m.from === "1");
  assert.is(beats.length, 2, "a heartbeat to each follower");
  assert.ok(
    beats.every((m) => m.context && dec(m.context) === "r1"),
    "each carries the read's context",
  );
  // Only follower 2's heartbeat arrives; its answer makes a quorum of two out of three.
  c.drop = (m) => m.to === "3" || m.from === "3";
  c.deliverAll();
  assert.equal(readsOf(c, "1"), [`r1@${commit}`]);
  assert.ok(
    c.sent.some((m) => m.type === "MsgHeartbeatResp" && m.from === "2" && m.context && dec(m.context) === "r1"),
    "the follower echoed the context",
  );
});

test("a leader cut off from the others never confirms a read, though it still believes it leads", () => {
  // Member 3's own election timeout is longer, so only 2 campaigns once 3's lease on 1 is over.
  const c = new Cluster(["1", "2", "3"], {}, { "3": { random: () => 0.9 } });
  c.elect("1");
  c.propose("1", "x");
  c.isolate("1");
  read(c, "1", "stale?");
  // The majority elects a new leader and commits a write the old one never sees.
  c.tick("3", 10);
  c.elect("2");
  c.propose("2", "y");
  assert.is(c.core("2").status().role, "leader");
  // Within the first election timeout after the cut, check-quorum has not stepped 1 down yet.
  for (let i = 0; i < 9; i++) {
    c.tick("1");
    c.deliverAll();
  }
  assert.is(c.core("1").status().role, "leader", "the cut-off leader still leads in its own eyes");
  assert.equal(readsOf(c, "1"), [], "yet it released no read: a stale one is never served");
  const resent = c.sent.filter((m) => m.from === "1" && m.type === "MsgHeartbeat" && m.context);
  assert.ok(resent.length > 2, "the periodic heartbeats keep asking for the pending read");
});

test("a read that arrives before the leader committed an entry of its term is held until it has", () => {
  const c = new Cluster(["1", "2", "3"]);
  const n1 = c.node("1");
  for (let i = 0; i < 100 && n1.core.status().role === "follower"; i++) n1.core.tick();
  c.flush(n1);
  // Deliver the votes but not the first append's answers: the leader's own entry is not yet committed.
  c.drop = (m) => m.type === "MsgAppResp";
  c.deliverAll();
  assert.is(c.core("1").status().role, "leader");
  const before = c.core("1").status().commit;
  read(c, "1", "early");
  assert.ok(!c.queue.some((m) => m.type === "MsgHeartbeat" && m.context), "no confirmation round yet");
  c.drop = () => false;
  // The next heartbeat's answers bring the append again; once committed, the read is confirmed.
  c.tick("1");
  c.deliverAll();
  const after = c.core("1").status().commit;
  assert.ok(after > before, "the leader committed its term's entry");
  assert.equal(readsOf(c, "1"), [`early@${after}`], "released at the commit index of its own term");
});

test("pending reads are dropped when the leader steps down", () => {
  const c = new Cluster(["1", "2", "3"]);
  c.elect("1");
  c.propose("1", "x");
  c.isolate("1");
  read(c, "1", "lost");
  c.tick("1", 20);
  assert.is(c.core("1").status().role, "follower", "check-quorum stepped it down");
  // Healed, the old heartbeat answers (had they been kept) would arrive now: nothing is released.
  c.heal();
  c.elect("2");
  c.deliverAll();
  assert.equal(readsOf(c, "1"), []);
  // Even a late answer carrying the old context releases nothing on the follower it became.
  c.core("1").step(
    msg({ type: "MsgHeartbeatResp", from: "2", to: "1", term: c.core("1").status().term, context: enc("lost") }),
  );
  c.flush(c.node("1"));
  assert.equal(readsOf(c, "1"), []);
});

test("a follower drops a read-index request", () => {
  const c = new Cluster(["1", "2", "3"]);
  c.elect("1");
  read(c, "2", "f");
  c.deliverAll();
  assert.equal(readsOf(c, "2"), []);
  assert.equal(readsOf(c, "1"), []);
});

test("a single voter confirms a read at once", () => {
  const c = new Cluster(["1"]);
  assert.is(c.core("1").status().role, "leader");
  const commit = c.core("1").status().commit;
  read(c, "1", "solo");
  assert.equal(readsOf(c, "1"), [`solo@${commit}`]);
});

test("a quorum for a later read releases the earlier ones, oldest first", () => {
  const c = new Cluster(["1", "2", "3"]);
  c.elect("1");
  c.drop = () => true;
  read(c, "1", "a");
  c.propose("1", "x"); // appended, not committed: the drop loses its messages
  read(c, "1", "b");
  c.deliverAll();
  c.drop = () => false;
  read(c, "1", "c");
  c.deliverAll();
  const reads = readsOf(c, "1").map((s) => s.split("@")[0]);
  assert.equal(reads, ["a", "b", "c"]);
});

test("an acknowledgement for a context the leader never sent releases nothing", () => {
  const c = new Cluster(["1", "2", "3"]);
  c.elect("1");
  c.drop = () => true;
  read(c, "1", "real");
  c.deliverAll();
  c.drop = () => false;
  const term = c.core("1").status().term;
  c.core("1").step(msg({ type: "MsgHeartbeatResp", from: "2", to: "1", term, context: enc("forged") }));
  c.flush(c.node("1"));
  assert.equal(readsOf(c, "1"), []);
});

test("a peer's message with an oversized context, or a context where none belongs, is refused", () => {
  const c = new Cluster(["1", "2", "3"]);
  c.elect("1");
  const term = c.core("1").status().term;
  const big = new Uint8Array(65).fill(1);
  assert.throws(
    () => c.core("2").step(msg({ type: "MsgHeartbeat", from: "1", to: "2", term, context: big })),
    (e: unknown) => e instanceof ErrInvalidMessage,
  );
  assert.not.ok(c.core("2").hasReady(), "the refused heartbeat is not echoed");
  assert.throws(
    () => c.core("1").step(msg({ type: "MsgHeartbeatResp", from: "2", to: "1", term, context: big })),
    (e: unknown) => e instanceof ErrInvalidMessage,
  );
  assert.throws(
    () => c.core("2").step(msg({ type: "MsgApp", from: "1", to: "2", term, context: enc("x") })),
    (e: unknown) => e instanceof ErrInvalidMessage,
  );
  assert.throws(
    () => c.core("1").step(msg({ type: "MsgReadIndex", from: "2", to: "1", context: enc("x") })),
    (e: unknown) => e instanceof ErrStepLocalMsg,
    "a read-index request is local only",
  );
});

test.run();
