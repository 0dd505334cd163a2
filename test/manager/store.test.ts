import { test } from "uvu";
import * as assert from "uvu/assert";
import type { Task__Output } from "../../src/gen/docker/swarmkit/v1/Task.ts";
import { newNodeObject } from "../../src/manager/ca-server.ts";
import { errSequenceConflict } from "../../src/manager/controlapi/errors.ts";
import { createMemoryStore, ReplicatedStore, type StoreEvent } from "../../src/manager/store.ts";
import { decodeStoreEntry } from "../../src/manager/store-codec.ts";
import { ErrLostLeadership } from "../../src/raft/node/errors.ts";
import { toRpcError } from "../../src/rpc/status.ts";
import { service, task } from "./orchestrator/support/objects.ts";

const worker = (id: string) => newNodeObject(id, "WORKER", "ACTIVE");

test("watchers see committed changes in commit order, including writes made by watchers", async () => {
  const store = createMemoryStore();
  const seen: string[] = [];
  let follow: Promise<unknown> = Promise.resolve();
  store.watch((e: StoreEvent) => {
    if (e.kind === "node") {
      seen.push(`${e.action}:${e.node.id}`);
      if (e.node.id === "a" && e.action === "create") follow = store.update((tx) => tx.putNode(worker("c")));
    }
  });
  await store.update((tx) => {
    tx.putNode(worker("a"));
    tx.putNode(worker("b"));
  });
  await store.update((tx) => tx.deleteNode("b"));
  await follow;
  // The watcher's write was queued during the first commit: it commits before the second.
  assert.equal(seen, ["create:a", "create:b", "create:c", "delete:b"]);
});

test("a transaction that throws commits nothing and notifies nobody", async () => {
  const store = createMemoryStore();
  let events = 0;
  store.watch(() => events++);
  try {
    await store.update((tx) => {
      tx.putNode(worker("a"));
      throw new Error("boom");
    });
    assert.unreachable("the update should fail");
  } catch (e) {
    assert.is((e as Error).message, "boom");
  }
  assert.is(
    store.view((tx) => tx.nodes().length),
    0,
  );
  assert.is(events, 0);
});

test("every write gets a new version index; created_at stays, updated_at moves", async () => {
  let t = 1_000_000;
  const store = createMemoryStore({
    now: () => {
      t += 1000;
      return new Date(t);
    },
  });
  const a1 = await store.update((tx) => tx.putNode(worker("a")));
  const a2 = await store.update((tx) => tx.putNode({ ...a1, role: "MANAGER" }));
  assert.ok(Number(a2.meta!.version!.index) > Number(a1.meta!.version!.index));
  assert.equal(a2.meta!.created_at, a1.meta!.created_at);
  assert.not.equal(a2.meta!.updated_at, a1.meta!.updated_at);
});

test("reads are the live state: a view sees a commit at once and copies nothing", async () => {
  const store = createMemoryStore();
  const a = await store.update((tx) => tx.putNode(worker("a")));
  assert.equal(
    store.view((tx) => tx.node("a")),
    a,
  );
  assert.is(
    store.view((tx) => tx.node("a")),
    store.view((tx) => tx.node("a")),
  );
});

/** A leader store whose entries go to a list (the log) and are applied to itself and a follower, in order. */
function leaderAndFollower() {
  const follower = new ReplicatedStore();
  const leader = new ReplicatedStore();
  const log: Uint8Array[] = [];
  let leading = true;
  let hold: Promise<void> | undefined;
  leader.attach({
    isLeader: () => leading,
    propose: async (data) => {
      await hold;
      if (!leading) throw new Error(ErrLostLeadership);
      log.push(data);
      leader.apply(data);
      follower.apply(data);
    },
  });
  return {
    leader,
    follower,
    log,
    setLeading: (v: boolean) => {
      leading = v;
    },
    holdProposals: () => {
      let release!: () => void;
      hold = new Promise<void>((r) => {
        release = r;
      });
      return () => {
        hold = undefined;
        release();
      };
    },
  };
}

test("a follower applies the leader's entries in log order; its watchers fire in commit order", async () => {
  const { leader, follower, log } = leaderAndFollower();
  const onFollower: string[] = [];
  follower.watch((e) => {
    if (e.kind === "node") onFollower.push(`${e.action}:${e.node.id}:${e.node.spec?.availability}`);
  });
  await Promise.all([
    leader.update((tx) => tx.putNode(worker("a"))),
    leader.update((tx) => tx.putNode(worker("b"))),
    leader.update((tx) => {
      const a = tx.node("a")!;
      tx.putNode({ ...a, spec: { ...a.spec!, availability: "DRAIN" } });
      tx.deleteNode("b");
    }),
  ]);
  assert.is(log.length, 3, "one log entry per transaction");
  assert.equal(
    decodeStoreEntry(log[2]!).ops.map((o) => o.op),
    ["putNode", "deleteNode"],
  );
  assert.equal(onFollower, ["create:a:ACTIVE", "create:b:ACTIVE", "update:a:DRAIN", "delete:b:ACTIVE"]);
  assert.equal(follower.snapshot(), leader.snapshot());
});

test("a task's later writes travel as the fields that changed; the follower holds the same task, events alike", async () => {
  const { leader, follower, log } = leaderAndFollower();
  const events: string[] = [];
  follower.watch((e) => {
    if (e.kind === "task") events.push(`${e.action}:${e.task.status?.state}:${e.task.node_id}`);
  });
  const web = service("web", { replicas: 1 });
  await leader.update((tx) => tx.putTask(task("t1", web, { slot: 1, state: "PENDING" })));
  const assign = (t: Task__Output): Task__Output => ({
    ...t,
    node_id: "n1",
    status: { ...(t.status as NonNullable<Task__Output["status"]>), state: "ASSIGNED", message: "assigned" },
  });
  await leader.update((tx) => tx.putTask(assign(tx.task("t1") as Task__Output)));
  // Two writes of one task in one transaction: the second patches the first.
  await leader.update((tx) => {
    const t = tx.task("t1") as Task__Output;
    const running = tx.putTask({
      ...t,
      status: { ...(t.status as NonNullable<Task__Output["status"]>), state: "RUNNING" },
    });
    tx.putTask({ ...running, desired_state: "SHUTDOWN" });
  });
  const [created, assigned, stopping] = log.map((b) => decodeStoreEntry(b));
  assert.equal(
    created?.ops.map((o) => o.op),
    ["putTask"],
  );
  const patch = assigned?.ops[0];
  assert.ok(patch?.op === "patchTask");
  assert.equal(Object.keys(patch.set).sort(), ["node_id", "status"]);
  assert.ok((log[1] as Uint8Array).length < (log[0] as Uint8Array).length * 0.7, "a patch is well under a full task");
  assert.equal(
    stopping?.ops.map((o) => (o.op === "patchTask" ? Object.keys(o.set) : o.op)),
    [["status"], ["desired_state"]],
  );
  assert.equal(events, ["create:PENDING:", "update:ASSIGNED:n1", "update:RUNNING:n1", "update:RUNNING:n1"]);
  assert.equal(
    follower.view((tx) => tx.task("t1")),
    leader.view((tx) => tx.task("t1")),
  );
  assert.is(
    follower.view((tx) => tx.task("t1")?.desired_state),
    "SHUTDOWN",
  );
  assert.equal(
    follower.view((tx) => tx.tasksOfNode("n1").map((t) => t.id)),
    ["t1"],
  );
});

test("writes are serialized across the proposal: the second sees the first, so version checks hold", async () => {
  const { leader, holdProposals } = leaderAndFollower();
  const a = await leader.update((tx) => tx.putNode(worker("a")));
  const release = holdProposals();
  const version = a.meta!.version!.index;
  // Two writers read the same version; the first one's proposal is still in flight.
  const write = () =>
    leader.update((tx) => {
      const n = tx.node("a")!;
      if (n.meta?.version?.index !== version) throw errSequenceConflict();
      return tx.putNode({ ...n, spec: { ...n.spec!, availability: "DRAIN" } });
    });
  const first = write();
  const second = write();
  release();
  await first;
  const e = await second.then(
    () => undefined,
    (err: unknown) => toRpcError(err),
  );
  assert.is(e?.grpcText, "rpc error: code = Unknown desc = update out of sequence");
});

test("a store that does not lead refuses writes with ErrLostLeadership's text and changes nothing", async () => {
  const { leader, follower, setLeading } = leaderAndFollower();
  const unattached = await follower.update((tx) => tx.putNode(worker("x"))).catch((e: unknown) => toRpcError(e));
  assert.is((unattached as Error).message, ErrLostLeadership);
  setLeading(false);
  const e = await leader.update((tx) => tx.putNode(worker("a"))).catch((err: unknown) => toRpcError(err));
  assert.is((e as Error).message, ErrLostLeadership);
  assert.is(
    leader.view((tx) => tx.nodes().length),
    0,
  );
});

test("snapshotData/restore carry the whole store, bytes included, without events", async () => {
  const store = createMemoryStore();
  await store.update((tx) => {
    const a = worker("a");
    tx.putNode({ ...a, certificate: { ...a.certificate!, certificate: Buffer.from([1, 2, 3]) } });
  });
  const copy = new ReplicatedStore();
  let events = 0;
  copy.watch(() => events++);
  copy.restore(store.snapshotData());
  const a = copy.view((tx) => tx.node("a"))!;
  assert.ok(Buffer.isBuffer(a.certificate?.certificate));
  assert.equal([...a.certificate!.certificate], [1, 2, 3]);
  assert.is(copy.snapshot().version, store.snapshot().version);
  assert.is(events, 0);
  assert.throws(() => copy.restore(new TextEncoder().encode("{}")), /not a store snapshot/);
  assert.throws(() => copy.apply(new TextEncoder().encode('{"format":"x"}')), /not a store entry/);
});

test.run();
