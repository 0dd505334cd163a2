import { test } from "uvu";
import * as assert from "uvu/assert";
import { enc, testProfile, useRaftCluster } from "../../support/raft-cluster.ts";
import { waitFor } from "../../support/wait-for.ts";

const cluster = useRaftCluster(test);
const LOST = "raft: failed to process the request: node lost leader status";
const electionMs = testProfile.raftTickMs * testProfile.raftElectionTicks;

test("on a healthy cluster the barrier resolves, and the leader has applied every write acknowledged before it", async () => {
  const leader = await cluster.three();
  await leader.node.propose(enc("w1"));
  await leader.node.readBarrier(Date.now() + 5000);
  assert.ok(leader.values.includes("w1"));
  // Many reads at once share rounds; each still resolves.
  const writes = Array.from({ length: 5 }, (_, i) => leader.node.propose(enc(`c${i}`)));
  await Promise.all([...writes, ...Array.from({ length: 20 }, () => leader.node.readBarrier(Date.now() + 5000))]);
  const follower = cluster.running().find((m) => m.id !== leader.id);
  const refused = await follower?.node.readBarrier(Date.now() + 5000).then(
    () => "resolved",
    (e: Error) => e.message,
  );
  assert.is(refused, LOST, "a follower refuses at once");
});

test("a leader cut off from both followers never passes the barrier, though it still believes it leads", async () => {
  const old = await cluster.leader();
  const others = cluster.running().filter((m) => m.id !== old.id);
  // The partition: the leader's bus connection is gone; its node keeps running and ticking.
  await old.nc.close();
  assert.ok(old.node.isLeader(), "right after the cut it still leads in its own eyes");
  let settledAt: number | undefined;
  const started = Date.now();
  const barrier = old.node.readBarrier(Date.now() + 20 * electionMs).then(
    () => "resolved",
    (e: Error) => e.message,
  );
  void barrier.then(() => {
    settledAt = Date.now();
  });
  const short = await old.node.readBarrier(Date.now() + electionMs / 2).then(
    () => "resolved",
    (e: Error) => e.message,
  );
  assert.is(short, "context deadline exceeded", "a deadline shorter than check-quorum's runs out first");
  assert.ok(old.node.isLeader() || settledAt !== undefined, "it still led when that deadline ran out");
  assert.is(await barrier, LOST, "rejected when check-quorum steps it down, never resolved");
  assert.ok((settledAt ?? 0) - started >= electionMs / 2);
  assert.not.ok(old.node.isLeader());
  // Meanwhile the majority elects a leader and goes on writing.
  const next = await waitFor(() => others.find((m) => m.node.isLeader()), {
    timeoutMs: 10 * electionMs,
    what: "a new leader among the majority",
  });
  await next.node.propose(enc("after the cut"));
  await next.node.readBarrier(Date.now() + 5000);
  assert.ok(next.values.includes("after the cut"));
  assert.not.ok(old.values.includes("after the cut"), "the old leader never saw the new write");
  cluster.members.get(old.id)!.running = false;
  await old.node.stop();
});

test.run();
