import { test } from "uvu";
import * as assert from "uvu/assert";
import type { Node__Output } from "../../../src/gen/docker/swarmkit/v1/Node.ts";
import { RoleManager } from "../../../src/manager/role-manager.ts";
import type { Store } from "../../../src/manager/store.ts";
import { ErrLostLeadership, raftError } from "../../../src/raft/node/errors.ts";
import { waitFor } from "../../support/wait-for.ts";
import { addNode, clusterStore, FakeRaft, nodeOf } from "./support/cluster-store.ts";

const profile = { roleReconcileIntervalMs: 20, roleRemovalTimeoutMs: 200 };

async function setup() {
  const { store, m1 } = await clusterStore();
  const raft = new FakeRaft(m1);
  raft.add(m1);
  const logs: string[] = [];
  const log = { debug: (m: string) => logs.push(`debug: ${m}`), info: (m: string) => logs.push(`info: ${m}`) };
  const rm = new RoleManager({ store, raft, selfNodeId: m1, profile, log });
  return { store, m1, raft, logs, rm };
}

const setDesired = (store: Store, id: string, role: "MANAGER" | "WORKER") =>
  store.update((tx) => {
    const n = tx.node(id) as Node__Output;
    tx.putNode({ ...n, spec: { ...(n.spec as NonNullable<Node__Output["spec"]>), desired_role: role } });
  });

const roleOf = (store: Store, id: string) => nodeOf(store, id)?.role;

test("promote: the observed role becomes MANAGER as soon as the desired role changes", async () => {
  const { store, rm } = await setup();
  const w = await addNode(store, { role: "WORKER" });
  rm.start();
  try {
    await setDesired(store, w.id, "MANAGER");
    await waitFor(() => roleOf(store, w.id) === "MANAGER", { timeoutMs: 2000, what: "w to be MANAGER" });
    await rm.reconcile();
    assert.equal(rm.pending(), { roles: [], removals: [] });
  } finally {
    rm.stop();
  }
});

test("demote a raft member: removed from raft first, then the role becomes WORKER", async () => {
  const { store, raft, rm } = await setup();
  const m2 = await addNode(store, { role: "MANAGER" });
  const m3 = await addNode(store, { role: "MANAGER" });
  const m2RaftId = raft.add(m2.id);
  raft.add(m3.id);
  rm.start();
  try {
    await setDesired(store, m2.id, "WORKER");
    await waitFor(() => roleOf(store, m2.id) === "WORKER", { timeoutMs: 2000, what: "m2 to be WORKER" });
    assert.not.ok(raft.memberOf(m2.id));
    assert.equal(raft.calls, [`removeMember ${m2RaftId}`]);
  } finally {
    rm.stop();
  }
});

test("the quorum guard: no removal while it would lose quorum, logged at debug, retried until it can", async () => {
  const { store, raft, rm, logs } = await setup();
  const m2 = await addNode(store, { role: "MANAGER" });
  const m3 = await addNode(store, { role: "MANAGER" });
  raft.add(m2.id);
  raft.add(m3.id, false);
  rm.start();
  try {
    await setDesired(store, m2.id, "WORKER");
    const msg = `debug: can't demote node ${m2.id} at this time: removing member from raft would result in a loss of quorum`;
    // Retried on the interval: the guard is logged more than once.
    await waitFor(() => logs.filter((l) => l === msg).length >= 2, { timeoutMs: 2000, what: "two refused passes" });
    assert.equal(raft.calls, []);
    assert.is(roleOf(store, m2.id), "MANAGER");
    assert.equal(rm.pending().roles, [m2.id]);
    raft.setReachable(m3.id, true);
    await waitFor(() => roleOf(store, m2.id) === "WORKER", { timeoutMs: 2000, what: "m2 to be WORKER" });
    assert.equal(rm.pending(), { roles: [], removals: [] });
  } finally {
    rm.stop();
  }
});

test("a failing removal is retried on the next pass", async () => {
  const { store, raft, rm, logs } = await setup();
  const m2 = await addNode(store, { role: "MANAGER" });
  const m3 = await addNode(store, { role: "MANAGER" });
  raft.add(m2.id);
  raft.add(m3.id);
  raft.removeFails = raftError(ErrLostLeadership);
  rm.start();
  try {
    await setDesired(store, m2.id, "WORKER");
    await waitFor(() => raft.calls.length >= 2, { timeoutMs: 2000, what: "two removal attempts" });
    assert.ok(logs.includes(`debug: can't demote node ${m2.id} at this time: ${raft.removeFails.message}`));
    raft.removeFails = null;
    await waitFor(() => roleOf(store, m2.id) === "WORKER", { timeoutMs: 2000, what: "m2 to be WORKER" });
  } finally {
    rm.stop();
  }
});

test("demoting the leader itself transfers leadership first", async () => {
  const { store, raft, rm, logs, m1 } = await setup();
  const m2 = await addNode(store, { role: "MANAGER" });
  const m3 = await addNode(store, { role: "MANAGER" });
  raft.add(m2.id);
  raft.add(m3.id);
  let transfers = 0;
  raft.transferLeadership = async () => {
    transfers++;
    raft.leader = false;
  };
  rm.start();
  try {
    await setDesired(store, m1, "WORKER");
    await waitFor(() => transfers === 1, { timeoutMs: 2000, what: "a leadership transfer" });
    assert.ok(logs.includes("info: demoted; transferring leadership"));
    // No longer leader: this role manager does nothing more; the new leader finishes the demotion.
    await rm.reconcile();
    assert.equal(raft.calls, []);
    assert.is(roleOf(store, m1), "MANAGER");
  } finally {
    rm.stop();
  }
});

test("a deleted node still in raft is evicted; so is a member with no node at startup", async () => {
  const { store, raft, rm } = await setup();
  const m2 = await addNode(store, { role: "MANAGER" });
  const m3 = await addNode(store, { role: "MANAGER" });
  raft.add(m2.id);
  raft.add(m3.id);
  raft.add("ghost-node");
  rm.start();
  try {
    await waitFor(() => !raft.memberOf("ghost-node"), { timeoutMs: 2000, what: "the ghost member to be evicted" });
    await store.update((tx) => tx.deleteNode(m3.id));
    await waitFor(() => !raft.memberOf(m3.id), { timeoutMs: 2000, what: "m3 to be evicted" });
    assert.ok(raft.memberOf(m2.id));
    await rm.reconcile();
    assert.equal(rm.pending(), { roles: [], removals: [] });
  } finally {
    rm.stop();
  }
});

test("a follower's role manager does nothing", async () => {
  const { store, raft, rm } = await setup();
  raft.leader = false;
  const w = await addNode(store, { role: "WORKER" });
  rm.start();
  try {
    await setDesired(store, w.id, "MANAGER");
    await rm.reconcile();
    assert.is(roleOf(store, w.id), "WORKER");
    assert.equal(rm.pending().roles, [w.id]);
    raft.leader = true;
    await waitFor(() => roleOf(store, w.id) === "MANAGER", { timeoutMs: 2000, what: "the interval pass as leader" });
  } finally {
    rm.stop();
  }
});

test.run();
