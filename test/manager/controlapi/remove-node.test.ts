import { test } from "uvu";
import * as assert from "uvu/assert";
import { newId } from "../../../src/ca/ids.ts";
import type { Task__Output } from "../../../src/gen/docker/swarmkit/v1/Task.ts";
import { removeNode } from "../../../src/manager/controlapi/index.ts";
import { rpcRejection } from "../../support/caught.ts";
import { addNode, clusterStore, FakeRaft, nodeOf } from "./support/cluster-store.ts";

test("a missing ID is an invalid argument, an unknown node is not found", async () => {
  const { store, m1 } = await clusterStore();
  const raft = new FakeRaft(m1);
  assert.is((await rpcRejection(() => removeNode(store, raft, { nodeId: "", force: false }))).code, 3);
  assert.is(
    (await rpcRejection(() => removeNode(store, raft, { nodeId: "nosuch", force: true }))).grpcText,
    "rpc error: code = NotFound desc = node nosuch not found",
  );
});

test("a Ready worker is not down and can't be removed without force", async () => {
  const { store, m1 } = await clusterStore();
  const w = await addNode(store, { role: "WORKER", state: "READY" });
  const e = await rpcRejection(() => removeNode(store, new FakeRaft(m1), { nodeId: w.id, force: false }));
  assert.is(e.grpcText, `rpc error: code = FailedPrecondition desc = node ${w.id} is not down and can't be removed`);
  assert.ok(nodeOf(store, w.id));
  assert.not.ok(store.view((tx) => tx.cluster()?.blacklistedCertificates?.[w.id]));
});

test("Down, Unknown, or forced: removed, blacklisted, gone", async () => {
  const { store, m1 } = await clusterStore();
  const raft = new FakeRaft(m1);
  const down = await addNode(store, { role: "WORKER", state: "DOWN" });
  const unknown = await addNode(store, { role: "WORKER", state: "UNKNOWN" });
  const ready = await addNode(store, { role: "WORKER", state: "READY" });
  await removeNode(store, raft, { nodeId: down.id, force: false });
  await removeNode(store, raft, { nodeId: unknown.id, force: false });
  await removeNode(store, raft, { nodeId: ready.id, force: true });
  for (const n of [down, unknown, ready]) {
    assert.not.ok(nodeOf(store, n.id));
    assert.equal(
      store.view((tx) => tx.cluster()?.blacklistedCertificates?.[n.id]),
      { expiry: null },
    );
  }
  assert.ok(nodeOf(store, m1), "the manager stays");
});

test("a manager must be demoted and out of raft first; without raft access it can't be checked", async () => {
  const { store, m1 } = await clusterStore();
  const raft = new FakeRaft(m1);
  raft.add(m1);
  assert.is(
    (await rpcRejection(() => removeNode(store, raft, { nodeId: m1, force: true }))).grpcText,
    `rpc error: code = FailedPrecondition desc = node ${m1} is a cluster manager and is a member of the raft cluster. It must be demoted to worker before removal`,
  );
  assert.is(
    (await rpcRejection(() => removeNode(store, null, { nodeId: m1, force: true }))).grpcText,
    `rpc error: code = FailedPrecondition desc = node ${m1} is a manager but cannot access node information from the raft memberlist`,
  );
  // A node whose desired role is MANAGER but never made it into raft (promoted, not joined) goes with force.
  const promoted = await addNode(store, { role: "MANAGER", state: "DOWN" });
  await removeNode(store, raft, { nodeId: promoted.id, force: false });
  assert.not.ok(nodeOf(store, promoted.id));
});

test("the removed node's unfinished tasks become ORPHANED; finished ones stay", async () => {
  const { store, m1 } = await clusterStore();
  const w = await addNode(store, { role: "WORKER", state: "DOWN" });
  const task = (state: Task__Output["status"] extends infer S ? (S extends { state: infer T } ? T : never) : never) =>
    ({
      id: newId(),
      node_id: w.id,
      status: { state, message: "", err: "", timestamp: null, applied_by: "", applied_at: null },
    }) as unknown as Task__Output;
  const running = task("RUNNING");
  const done = task("COMPLETE");
  await store.update((tx) => {
    tx.putTask(running);
    tx.putTask(done);
  });
  await removeNode(store, new FakeRaft(m1), { nodeId: w.id, force: false });
  const r = store.view((tx) => tx.task(running.id));
  assert.is(r?.status?.state, "ORPHANED");
  assert.is(r?.status?.message, "Task belonged to a node that has been deleted");
  assert.is(store.view((tx) => tx.task(done.id))?.status?.state, "COMPLETE");
});

test.run();
