import { test } from "uvu";
import * as assert from "uvu/assert";
import { enc, sameList, useRaftCluster } from "../../support/raft-cluster.ts";
import { waitFor } from "../../support/wait-for.ts";

const cluster = useRaftCluster(test);

test("the leader stops → a new leader takes proposals; the old one restarts from its storage and catches up", async () => {
  const first = await cluster.three();
  for (let i = 0; i < 20; i++) await first.node.propose(enc(`a${i}`));
  const before = [...first.values];
  await cluster.converged(before);

  await cluster.stopMember(first.id);
  const second = await cluster.leader();
  assert.is.not(second.id, first.id);
  for (let i = 0; i < 20; i++) await second.node.propose(enc(`b${i}`));
  const after = [...second.values];
  assert.equal(after.slice(0, before.length), before, "no acknowledged value lost");
  assert.is(after.length, 40);

  const back = await cluster.start(first.id);
  await waitFor(() => sameList(back.values, after), {
    timeoutMs: 10_000,
    what: `restarted member ${first.id} to apply all 40 values`,
  });
  await cluster.leader();
  assert.ok(back.node.leaderId() !== "0", "the restarted member knows the leader");
});

test.run();
