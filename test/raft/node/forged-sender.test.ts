import { existsSync } from "node:fs";
import { join } from "node:path";
import { headers, type NatsConnection } from "@nats-io/transport-node";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { subjects } from "../../../src/bus/subjects.ts";
import { encodeEnvelope } from "../../../src/raft/codec.ts";
import { msg } from "../../../src/raft/core/messages.ts";
import { formatRemovedNotice, REMOVED_HEADER } from "../../../src/raft/transport/removed-notice.ts";
import type { Message, MessageType } from "../../../src/raft/types.ts";
import { memoryLog } from "../../support/memory-log.ts";
import { enc, type Member, nodeIdOf, useRaftCluster } from "../../support/raft-cluster.ts";
import { waitFor } from "../../support/wait-for.ts";

/**
 * Issue 11 §3: someone on the bus who is not the member it names puts raft
 * messages on a member's subject: a node that is no member, or a member
 * speaking as another. The victim drops each and says so in its log (the
 * sender's node ID, the `from` it claimed, why); the cluster's term and leader
 * stay as they were, and a removal notice that is not another member's own
 * leaves the victim a member, its Raft data in place.
 */
const cluster = useRaftCluster(test);
const log = memoryLog();
const DROPPED = "raft transport: dropped a message whose sender is not the member it claims to be";
const DROPPED_NOTICE = "raft transport: dropped a removal notice whose sender is not the member it claims to be";
let leader: Member;
let victim: Member;
let other: Member;
let attacker: NatsConnection;

test.before(async () => {
  leader = await cluster.three({ log });
  [victim, other] = cluster.running().filter((m) => m.id !== leader.id) as [Member, Member];
  // Past the server's permissions (no credential of the swarm may send this): the receiver's own check is on trial.
  attacker = await cluster.nats.connect("raft-forger", "unrestricted");
});

/** A raft message on the victim's subject, as `sender` (the subject's node ID token) would put it. */
function forge(sender: string, type: MessageType, from: string, extra: Partial<Message> = {}): void {
  const m = msg({ type, from, to: victim.id, term: victim.node.term() + 5, ...extra });
  attacker.publish(subjects().raft(cluster.clusterId, victim.id, sender), encodeEnvelope(cluster.clusterId, m));
}

/** A removal notice on the victim's subject, as `sender` would put it, telling it `by` removed it. */
function forgeNotice(sender: string, by: string): void {
  const h = headers();
  h.set(REMOVED_HEADER, formatRemovedNotice(cluster.clusterId, by, victim.node.appliedIndexNow() + 1));
  attacker.publish(subjects().raft(cluster.clusterId, victim.id, sender), new Uint8Array(0), { headers: h });
}

/** Waits for the victim's log line about `sender` claiming `claimed`, and returns its reason. */
async function dropLogged(line: string, sender: string, claimed: string): Promise<unknown> {
  const found = await waitFor(
    () =>
      log.lines.find(
        (l) => l.msg === line && l.obj.raftId === victim.id && l.obj.sender === sender && l.obj.claimed === claimed,
      ),
    { timeoutMs: 5000, what: `the victim to log the drop of ${sender} claiming ${claimed}` },
  );
  return found.obj.reason;
}

/** The term and the leader as every member sees them. */
const view = () => cluster.running().map((m) => ({ id: m.id, term: m.node.term(), leader: m.node.leaderId() }));

/** Nothing moved: the same view, and a value proposed now still reaches all three. */
async function clusterAsBefore(before: ReturnType<typeof view>, value: string): Promise<void> {
  assert.equal(view(), before, "term and leader unchanged on every member");
  await leader.node.propose(enc(value));
  await waitFor(() => cluster.running().every((m) => m.values.includes(value)), {
    timeoutMs: 5000,
    what: `every member to apply ${value}`,
  });
  assert.equal(view(), before, "term and leader still unchanged after a commit");
}

test("a MsgApp of a higher term from a node that is no member is dropped and logged; term and leader stay", async () => {
  const before = view();
  forge("intruder", "MsgApp", leader.id, { logTerm: 0, index: 0, commit: 0 });
  assert.is(await dropLogged(DROPPED, "intruder", leader.id), "the sender is not a member");
  await clusterAsBefore(before, "after a forged MsgApp");
});

test("a MsgVote of a higher term from a node that is no member is dropped and logged", async () => {
  const before = view();
  forge("stranger", "MsgVote", "99", { logTerm: 100, index: 1000 });
  assert.is(await dropLogged(DROPPED, "stranger", "99"), "the sender is not a member");
  await clusterAsBefore(before, "after a forged MsgVote");
});

test("a MsgTimeoutNow from a member speaking as the leader is dropped and logged; no election", async () => {
  const before = view();
  forge(nodeIdOf(other.id), "MsgTimeoutNow", leader.id, { term: victim.node.term() });
  assert.is(await dropLogged(DROPPED, nodeIdOf(other.id), leader.id), "the sender is another member than it claims");
  await clusterAsBefore(before, "after a forged MsgTimeoutNow");
});

test("a removal notice naming the receiver itself, or from a node that is no member, changes nothing", async () => {
  const before = view();
  forgeNotice(nodeIdOf(victim.id), victim.id);
  assert.is(await dropLogged(DROPPED_NOTICE, nodeIdOf(victim.id), victim.id), "the sender is this member itself");
  forgeNotice("outsider", leader.id);
  assert.is(await dropLogged(DROPPED_NOTICE, "outsider", leader.id), "the sender is not a member");
  forgeNotice(nodeIdOf(other.id), leader.id);
  assert.is(
    await dropLogged(DROPPED_NOTICE, nodeIdOf(other.id), leader.id),
    "the sender is another member than it claims",
  );
  await clusterAsBefore(before, "after forged removal notices");
  assert.ok(victim.node.isMember(), "the victim is still a member");
  assert.is.not(victim.actor?.getSnapshot().value, "removed");
  assert.ok(existsSync(join(cluster.dir, victim.id, "swarm", "raft")), "its Raft data is in place");
  assert.equal(
    leader.node
      .members()
      .map((s) => s.member.raftId)
      .sort(),
    [leader.id, victim.id, other.id].sort(),
  );
});

test.run();
