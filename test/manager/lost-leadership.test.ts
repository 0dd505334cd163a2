import { test } from "uvu";
import * as assert from "uvu/assert";
import { newNodeObject } from "../../src/manager/ca-server.ts";
import { waitFor } from "../support/wait-for.ts";
import { type Manager, RaftManagers } from "./support/raft-managers.ts";

let cluster: RaftManagers;
test.before(async () => {
  cluster = await RaftManagers.start();
});
test.after(async () => {
  await cluster.close();
});
const _manager = (...args: Parameters<RaftManagers["manager"]>) => cluster.manager(...args);
const stop = (m: Manager) => cluster.stop(m);
const threeMembers = (clusterId: string) => cluster.threeMembers(clusterId);

/**
 * A leader cut off from its quorum steps down (check-quorum); a write it took
 * fails with ErrLostLeadership, as SwarmKit's pending proposals do.
 */
test("two of three members stop: the leader's write fails with node lost leader status, and it steps down", async () => {
  const [m1, m2, m3] = await threeMembers(`lost${process.pid}`);
  await m1?.store.update((tx) => tx.putNode(newNodeObject("a", "WORKER", "ACTIVE")));
  await Promise.all([stop(m2 as Manager), stop(m3 as Manager)]);
  const leader = m1 as Manager;
  const e = await leader.store
    .update((tx) => tx.putNode(newNodeObject("b", "WORKER", "ACTIVE")))
    .then(
      () => undefined,
      (err: unknown) => err as Error & { code?: number },
    );
  assert.ok(e, "the write is not acknowledged");
  assert.is(e?.message, "raft: failed to process the request: node lost leader status");
  assert.is(e?.code, 2, "code Unknown");
  await waitFor(() => !leader.raft.isLeader() && leader.raft.leaderId() === "0", {
    timeoutMs: 10_000,
    what: "the leader to step down",
  });
  await waitFor(() => leader.raft.lostQuorum(), { timeoutMs: 10_000, what: "the lost-quorum timeout" });
  assert.not.ok(leader.store.view((tx) => tx.node("b")));
});

test.run();
