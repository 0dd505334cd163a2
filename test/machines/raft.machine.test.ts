import { test } from "uvu";
import * as assert from "uvu/assert";
import { createActor, SimulatedClock } from "xstate";
import { type RaftMachineRole, raftMachine } from "../../machines/raft.machine.ts";

function start() {
  const log: string[] = [];
  const machine = raftMachine.provide({
    actions: {
      announceLeader: ({ context }) => log.push(`leader ${context.term}`),
      announceFollower: ({ context }) => log.push(`follower ${context.term}`),
      announceRemoved: () => log.push("removed"),
    },
  });
  const actor = createActor(machine, { clock: new SimulatedClock(), input: { raftId: "7" } });
  actor.start();
  const core = (role: RaftMachineRole, term: number, lead: string) =>
    actor.send({ type: "CORE_STATE", role, term, lead });
  return {
    actor,
    log,
    core,
    value: () => actor.getSnapshot().value,
    ctx: () => actor.getSnapshot().context,
  };
}

test("a member starts as a follower of no one, in term 0", () => {
  const t = start();
  assert.is(t.value(), "follower");
  assert.equal(t.ctx(), { raftId: "7", term: 0, lead: "0" });
  assert.equal(t.log, []);
});

test("restart input carries the term and leader from storage", () => {
  const actor = createActor(raftMachine, { input: { raftId: "9", term: 4, lead: "3" } });
  actor.start();
  assert.equal(actor.getSnapshot().context, { raftId: "9", term: 4, lead: "3" });
  actor.stop();
});

test("follower → preCandidate → candidate → leader follows the core, announcing leadership once", () => {
  const t = start();
  t.core("preCandidate", 0, "0");
  assert.is(t.value(), "preCandidate");
  t.core("candidate", 1, "0");
  assert.is(t.value(), "candidate");
  assert.is(t.ctx().term, 1);
  t.core("leader", 1, "7");
  assert.is(t.value(), "leader");
  assert.equal(t.ctx(), { raftId: "7", term: 1, lead: "7" });
  assert.equal(t.log, ["leader 1"]);
});

test("a leader stepping down (higher term, or check-quorum) announces follower", () => {
  const t = start();
  t.core("leader", 2, "7");
  t.core("follower", 3, "0");
  assert.is(t.value(), "follower");
  assert.equal(t.ctx(), { raftId: "7", term: 3, lead: "0" });
  assert.equal(t.log, ["leader 2", "follower 2"]);
});

test("a CORE_STATE with the same role only updates term and leader, without re-announcing", () => {
  const t = start();
  t.core("follower", 5, "2");
  assert.is(t.value(), "follower");
  assert.equal(t.ctx(), { raftId: "7", term: 5, lead: "2" });
  t.core("leader", 6, "7");
  t.core("leader", 6, "7");
  assert.equal(t.log, ["leader 6"]);
});

test("a preCandidate that hears a leader goes back to follower; a candidate too", () => {
  const t = start();
  t.core("preCandidate", 1, "0");
  t.core("follower", 1, "3");
  assert.is(t.value(), "follower");
  t.core("candidate", 2, "0");
  t.core("follower", 2, "3");
  assert.is(t.value(), "follower");
  assert.is(t.ctx().lead, "3");
  t.core("candidate", 3, "0");
  t.core("preCandidate", 3, "0");
  assert.is(t.value(), "preCandidate");
  t.core("leader", 4, "7");
  assert.is(t.value(), "leader");
  assert.equal(t.log, ["leader 4"]);
});

test("a leader can go straight to preCandidate or candidate (leaving leadership is announced)", () => {
  const t = start();
  t.core("leader", 1, "7");
  t.core("preCandidate", 1, "0");
  assert.is(t.value(), "preCandidate");
  t.core("leader", 2, "7");
  t.core("candidate", 3, "0");
  assert.is(t.value(), "candidate");
  assert.equal(t.log, ["leader 1", "follower 1", "leader 2", "follower 2"]);
});

for (const from of ["follower", "preCandidate", "candidate"] as const) {
  test(`REMOVED from ${from} is final and announced`, () => {
    const t = start();
    if (from !== "follower") t.core(from, 1, "0");
    t.actor.send({ type: "REMOVED" });
    assert.is(t.value(), "removed");
    assert.is(t.actor.getSnapshot().status, "done");
    assert.equal(t.log, ["removed"]);
    t.core("leader", 9, "7");
    assert.is(t.value(), "removed");
  });
}

test("a removed leader announces follower (leader-only components stop) then removed", () => {
  const t = start();
  t.core("leader", 1, "7");
  t.actor.send({ type: "REMOVED" });
  assert.is(t.value(), "removed");
  assert.equal(t.log, ["leader 1", "follower 1", "removed"]);
});

test.run();
