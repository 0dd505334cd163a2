import { test } from "uvu";
import * as assert from "uvu/assert";
import type { ActorTransition } from "../../src/bus/events.ts";
import {
  DashboardModel,
  type DashboardUpdate,
  type DashboardModel as Model,
} from "../../src/inspect/dashboard/model.ts";

const at = (s: number) => new Date(Date.UTC(2026, 0, 1, 12, 0, s)).toISOString();

function tr(node: string, actor: string, state: string, from: string | null, s: number, context = {}): ActorTransition {
  return { node, actor, state, from, event: "E", time: at(s), value: state, context };
}

function watch(m: Model): DashboardUpdate[] {
  const updates: DashboardUpdate[] = [];
  m.onUpdate((u) => updates.push(u));
  return updates;
}

test("Raft term and leader come from the raft actors: the leader of the highest term", () => {
  const m = new DashboardModel();
  assert.equal(m.raft(), { term: null, leader: null });
  m.applyTransition(tr("m1", "raft", "leader", "follower", 1, { raftId: "11", term: 2, lead: "11" }));
  m.applyTransition(tr("m2", "raft", "follower", null, 2, { raftId: "22", term: 2, lead: "11" }));
  assert.equal(m.raft(), { term: 2, leader: "m1" });
  // m2 wins term 3; m1's stale "leader" of term 2 does not count.
  m.applyTransition(tr("m2", "raft", "leader", "candidate", 3, { raftId: "22", term: 3, lead: "22" }));
  assert.equal(m.raft(), { term: 3, leader: "m2" });
  // Without a leader in the latest states, a follower's `lead` names it.
  const n = new DashboardModel();
  n.applyTransition(tr("m1", "raft", "follower", null, 1, { raftId: "11", term: 4, lead: "22" }));
  n.applyTransition(tr("m2", "raft", "follower", null, 1, { raftId: "22", term: 4, lead: "22" }));
  assert.equal(n.raft(), { term: 4, leader: "m2" });
});

test("a daemon's actors answer older than an event already seen does not turn the actor back", () => {
  const m = new DashboardModel();
  const updates = watch(m);
  m.applyTransition(tr("w1", "session", "registered", "connecting", 5));
  m.applyTransition(tr("w1", "session", "connecting", null, 1));
  const [view] = m.snapshot().actors;
  assert.is(view?.transition.state, "registered");
  assert.equal(
    m.snapshot().timeline.map((e) => e.state),
    ["connecting", "registered"],
  );
  // The same transition again (from the answer and the stream both) is one timeline entry and no update.
  const before = updates.length;
  m.applyTransition(tr("w1", "session", "registered", "connecting", 5));
  assert.is(updates.length, before);
  assert.is(m.snapshot().timeline.length, 2);
});

test("a move repeated within a minute is routine, from its first time on; a node going down is not", () => {
  const m = new DashboardModel();
  for (let i = 0; i < 4; i++) {
    m.applyTransition(tr("w1", "session", "heartbeating", "waiting", 2 * i));
    m.applyTransition(tr("w1", "session", "waiting", "heartbeating", 2 * i + 1));
  }
  m.applyTransition(tr("m1", "liveness-x", "down", "ready", 9));
  const t = m.snapshot().timeline;
  assert.equal(
    t.filter((e) => e.actor === "session").map((e) => e.routine),
    [true, true, true, true, true, true, true, true],
  );
  assert.is(t.at(-1)?.routine, false);
  assert.is(t.at(-1)?.state, "down");
});

test("a daemon turns unreachable after two silent discovery rounds, and back when it answers", () => {
  const m = new DashboardModel();
  const updates = watch(m);
  m.discovered(["m1", "w1"]);
  m.discovered(["m1"]);
  assert.equal(m.daemonViews(), [
    { name: "m1", reachable: true },
    { name: "w1", reachable: true },
  ]);
  m.discovered(["m1"]);
  assert.equal(m.daemonViews()[1], { name: "w1", reachable: false });
  m.applyTransition(tr("w1", "node", "inactive", null, 1));
  assert.equal(m.daemonViews()[1], { name: "w1", reachable: true });
  assert.equal(
    updates.filter((u) => u.type === "daemons").length,
    3,
    "one update per change: found, unreachable, back",
  );
});

test("node.ls is asked of the raft leader first, then other managers, then the rest", () => {
  const m = new DashboardModel();
  m.discovered(["a", "m1", "m2", "w1"]);
  m.applyTransition(tr("m1", "raft", "follower", null, 1, { raftId: "1", term: 2, lead: "2" }));
  m.applyTransition(tr("m2", "raft", "leader", null, 1, { raftId: "2", term: 2, lead: "2" }));
  assert.equal(m.controlCandidates(), ["m2", "m1", "a", "w1"]);
});

test.run();
