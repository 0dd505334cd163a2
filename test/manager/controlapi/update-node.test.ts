import { test } from "uvu";
import * as assert from "uvu/assert";
import type { NodeSpec__Output } from "../../../src/gen/docker/swarmkit/v1/NodeSpec.ts";
import { singleManagerMembership, updateNode } from "../../../src/manager/controlapi/index.ts";
import { rpcRejection } from "../../support/caught.ts";
import { addNode, clusterStore, FakeRaft, nodeOf } from "./support/cluster-store.ts";

const spec = (over: Partial<NodeSpec__Output>): NodeSpec__Output => ({
  annotations: { name: "", labels: {} },
  desired_role: "WORKER",
  membership: "ACCEPTED",
  availability: "ACTIVE",
  ...over,
});
const versionOf = (n: { meta: { version: { index: string } | null } | null } | undefined) => n?.meta?.version?.index;

test("a missing node ID, version or spec is an invalid argument", async () => {
  const { store, m1 } = await clusterStore();
  const raft = new FakeRaft(m1);
  const v = versionOf(nodeOf(store, m1));
  for (const req of [
    { nodeId: "", version: v, spec: spec({}) },
    { nodeId: m1, version: undefined, spec: spec({}) },
    { nodeId: m1, version: v, spec: undefined },
  ]) {
    assert.is(
      (await rpcRejection(() => updateNode(store, raft, req))).grpcText,
      "rpc error: code = InvalidArgument desc = invalid argument",
    );
  }
});

test("an unknown node is not found", async () => {
  const { store, m1 } = await clusterStore();
  const e = await rpcRejection(() =>
    updateNode(store, new FakeRaft(m1), { nodeId: "nosuch", version: "1", spec: spec({}) }),
  );
  assert.is(e.grpcText, "rpc error: code = NotFound desc = node nosuch not found");
});

test("drain a worker: the spec is replaced and the version moves on", async () => {
  const { store, m1 } = await clusterStore();
  const w = await addNode(store, { role: "WORKER" });
  const updated = await updateNode(store, new FakeRaft(m1), {
    nodeId: w.id,
    version: versionOf(w),
    spec: spec({ availability: "DRAIN" }),
  });
  assert.is(updated.spec?.availability, "DRAIN");
  assert.is(nodeOf(store, w.id)?.spec?.availability, "DRAIN");
  assert.ok(Number(versionOf(updated)) > Number(versionOf(w)));
});

test("a stale version is the store's update out of sequence (Unknown), and nothing changes", async () => {
  const { store, m1 } = await clusterStore();
  const w = await addNode(store, { role: "WORKER" });
  const raft = new FakeRaft(m1);
  await updateNode(store, raft, { nodeId: w.id, version: versionOf(w), spec: spec({ availability: "PAUSE" }) });
  const e = await rpcRejection(() =>
    updateNode(store, raft, { nodeId: w.id, version: versionOf(w), spec: spec({ availability: "DRAIN" }) }),
  );
  assert.is(e.grpcText, "rpc error: code = Unknown desc = update out of sequence");
  assert.is(nodeOf(store, w.id)?.spec?.availability, "PAUSE");
});

test("promotion has no checks: the desired role becomes MANAGER, the observed role stays", async () => {
  const { store, m1 } = await clusterStore();
  const w = await addNode(store, { role: "WORKER" });
  const raft = new FakeRaft(m1);
  raft.leader = false;
  const updated = await updateNode(store, raft, {
    nodeId: w.id,
    version: versionOf(w),
    spec: spec({ desired_role: "MANAGER" }),
  });
  assert.is(updated.spec?.desired_role, "MANAGER");
  assert.is(updated.role, "WORKER");
});

test("demoting the last manager is refused (by observed role), with the single-manager raft", async () => {
  const { store, m1 } = await clusterStore();
  const raft = singleManagerMembership(() => ({ nodeId: m1, raftId: "1", addr: "127.0.0.1:2377" }));
  const m = nodeOf(store, m1);
  const e = await rpcRejection(() =>
    updateNode(store, raft, { nodeId: m1, version: versionOf(m), spec: spec({ desired_role: "WORKER" }) }),
  );
  assert.is(
    e.grpcText,
    "rpc error: code = FailedPrecondition desc = attempting to demote the last manager of the swarm",
  );
  assert.is(nodeOf(store, m1)?.spec?.desired_role, "MANAGER");
});

test("demoting a promoted node that is not in the raft memberlist: not found", async () => {
  const { store, m1 } = await clusterStore();
  const raft = new FakeRaft(m1);
  raft.add(m1);
  const w = await addNode(store, { role: "MANAGER" });
  const e = await rpcRejection(() =>
    updateNode(store, raft, { nodeId: w.id, version: versionOf(w), spec: spec({ desired_role: "WORKER" }) }),
  );
  assert.is(e.grpcText, "rpc error: code = NotFound desc = can't find manager in raft memberlist");
});

test("demoting a manager when the others are unreachable would lose quorum", async () => {
  const { store, m1 } = await clusterStore();
  const raft = new FakeRaft(m1);
  raft.add(m1);
  const m2 = await addNode(store, { role: "MANAGER" });
  const m3 = await addNode(store, { role: "MANAGER" });
  raft.add(m2.id);
  raft.add(m3.id, false);
  // 3 members, m3 down: removing m2 leaves m1 alone reachable, quorum of 3 is 2.
  const e = await rpcRejection(() =>
    updateNode(store, raft, { nodeId: m2.id, version: versionOf(m2), spec: spec({ desired_role: "WORKER" }) }),
  );
  assert.is(
    e.grpcText,
    "rpc error: code = FailedPrecondition desc = can't remove member from the raft: this would result in a loss of quorum",
  );
  // With m3 back, the same demotion passes the checks.
  raft.setReachable(m3.id, true);
  const ok = await updateNode(store, raft, {
    nodeId: m2.id,
    version: versionOf(m2),
    spec: spec({ desired_role: "WORKER" }),
  });
  assert.is(ok.spec?.desired_role, "WORKER");
  assert.is(ok.role, "MANAGER", "the role manager moves the observed role later");
});

test("the checks run in Swarm's order: last manager before memberlist before version", async () => {
  const { store, m1 } = await clusterStore();
  const raft = new FakeRaft(m1);
  const e = await rpcRejection(() =>
    updateNode(store, raft, { nodeId: m1, version: "0", spec: spec({ desired_role: "WORKER" }) }),
  );
  assert.match(e.message, "attempting to demote the last manager");
  const m2 = await addNode(store, { role: "MANAGER" });
  const e2 = await rpcRejection(() =>
    updateNode(store, raft, { nodeId: m2.id, version: "0", spec: spec({ desired_role: "WORKER" }) }),
  );
  assert.is(e2.message, "can't find manager in raft memberlist");
});

test.run();
