import { test } from "uvu";
import * as assert from "uvu/assert";
import { FaultyFs } from "../../support/faulty-fs.ts";
import { enc, useRaftCluster } from "../../support/raft-cluster.ts";
import { waitFor } from "../../support/wait-for.ts";

const cluster = useRaftCluster(test);

test("a leader applies what the followers committed while its own disk is still writing newer entries, and never an entry its write has not finished", async () => {
  const disks = new Map(["1", "2", "3"].map((id) => [id, new FaultyFs()]));
  const leader = await cluster.three({}, (id) => ({ storageFs: disks.get(id)! }));
  await leader.node.propose(enc("a"));
  await cluster.converged(["a"]);
  const disk = disks.get(leader.id)!;
  const a = leader.node.committedIndexNow();
  disk.holdDatasyncs(/\.wal/);
  try {
    // b: sent to the followers, then held on the leader's disk; the followers' acknowledgements commit it.
    const b = leader.node.propose(enc("b"));
    b.catch(() => {}); // awaited at the end; a failure before that is the assertion's, not an unhandled one
    await waitFor(() => disk.heldDatasyncs() === 1, { timeoutMs: 5000, what: "the leader's write of b, held" });
    await waitFor(() => leader.node.committedIndexNow() >= a + 1, { timeoutMs: 5000, what: "b committed" });
    // c comes while b's write is held; then b's write ends and c's (the next Ready's) is held.
    const c = leader.node.propose(enc("c"));
    c.catch(() => {});
    disk.releaseDatasync();
    await waitFor(() => disk.heldDatasyncs() === 1, { timeoutMs: 5000, what: "the leader's write of c, held" });

    // b was on the leader's disk before c's write began: applied without waiting for it.
    await waitFor(() => leader.values.includes("b"), { timeoutMs: 5000, what: "b applied during c's write" });
    assert.is(disk.heldDatasyncs(), 1, "c's write is still held");
    // c is on the followers' disks (committed), not yet on the leader's: not applied until it is.
    await waitFor(() => leader.node.committedIndexNow() >= a + 2, { timeoutMs: 5000, what: "c committed" });
    assert.equal(leader.values, ["a", "b"]);

    disk.releaseDatasync(true);
    await Promise.all([b, c]);
    await cluster.converged(["a", "b", "c"]);
  } finally {
    // A failed assertion must not leave the leader's Ready loop waiting on its disk forever.
    disk.releaseDatasync(true);
  }
});

test.run();
