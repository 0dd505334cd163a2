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
const manager = (...args: Parameters<RaftManagers["manager"]>) => cluster.manager(...args);
const stop = (m: Manager) => cluster.stop(m);
const threeMembers = (clusterId: string) => cluster.threeMembers(clusterId);

/**
 * SwarmKit's ForceNewCluster at the Raft member: restarted from its WAL with
 * forceNewCluster, the last member of a cluster that lost quorum is a
 * one-member cluster at once, keeps the store, and the others' Raft IDs are
 * removed for good (also after another restart).
 */
test("force new cluster: the survivor leads alone, keeps the store, the others are removed", async () => {
  const clusterId = `fnc${process.pid}`;
  const [m1, m2, m3] = (await threeMembers(clusterId)) as [Manager, Manager, Manager];
  await m1.store.update((tx) => tx.putNode(newNodeObject("a", "WORKER", "DRAIN")));
  await waitFor(() => m3.store.view((tx) => tx.node("a")), { timeoutMs: 10_000, what: "member 3 to apply" });
  await Promise.all([stop(m1), stop(m2), stop(m3)]);

  const forced = await manager(clusterId, "3", "restart", true);
  await waitFor(() => forced.raft.isLeader(), { timeoutMs: 10_000, what: "member 3 to lead alone" });
  assert.equal(
    forced.raft.members().map((s) => s.member.raftId),
    ["3"],
  );
  assert.equal(forced.raft.removedIds().sort(), ["1", "2"]);
  assert.is(forced.store.view((tx) => tx.node("a"))?.spec?.availability, "DRAIN");
  await forced.store.update((tx) => tx.putNode(newNodeObject("b", "WORKER", "ACTIVE")));

  await stop(forced);
  const again = await manager(clusterId, "3", "restart");
  await waitFor(() => again.raft.isLeader(), { timeoutMs: 10_000, what: "member 3 to lead after a plain restart" });
  assert.equal(again.raft.removedIds().sort(), ["1", "2"]);
  assert.ok(again.store.view((tx) => tx.node("b")));
  const readd = await again.raft.addMember({ raftId: "1", nodeId: "node-1", addr: "127.0.0.1:3001" }).then(
    () => "added",
    (e: Error) => e.message,
  );
  assert.is(readd, "membership: node was removed during cluster lifetime");
});

test.run();
