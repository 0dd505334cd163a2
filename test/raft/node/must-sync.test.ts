import { test } from "uvu";
import * as assert from "uvu/assert";
import { FaultyFs } from "../../support/faulty-fs.ts";
import { enc, useRaftCluster } from "../../support/raft-cluster.ts";

const cluster = useRaftCluster(test);

test("a commit costs no fdatasync of its own: proposals one at a time cost one per member each (the entry), not two", async () => {
  const disks = new Map(["1", "2", "3"].map((id) => [id, new FaultyFs()]));
  const walSyncs = () => [...disks.values()].reduce((t, d) => t + d.datasyncs.filter((p) => /\.wal/.test(p)).length, 0);
  const leader = await cluster.three({}, (id) => ({ storageFs: disks.get(id)! }));
  const n = 30;
  const values = Array.from({ length: n }, (_, i) => `v${i}`);
  const before = walSyncs();
  // Each is committed before the next is proposed: its entry reaches every member in one Ready, its
  // commit in a later one (the leader on the followers' acks, a follower on the next message).
  for (const v of values) await leader.node.propose(enc(v));
  await cluster.converged(values);
  const syncs = walSyncs() - before;
  // Before MustSync: an fdatasync for the entry and one for the commit on each member (≈ 6 per value).
  assert.ok(syncs <= 4 * n, `${syncs} WAL fdatasyncs on 3 members for ${n} values committed one at a time`);
  assert.ok(syncs >= 3 * n - 3, `every entry is still fdatasync'd on every member (${syncs})`);
});

test.run();
