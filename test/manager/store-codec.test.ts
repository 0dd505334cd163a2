import { deflateRawSync } from "node:zlib";
import { test } from "uvu";
import * as assert from "uvu/assert";
import type { Task__Output } from "../../src/gen/docker/swarmkit/v1/Task.ts";
import { newTask } from "../../src/manager/orchestrator/task.ts";
import { ReplicatedStore } from "../../src/manager/store.ts";
import { COMPRESS_FROM, decodeStoreEntry, type StoreOp, storeEntryJson } from "../../src/manager/store-codec.ts";
import { withCreatedAt } from "../../src/manager/store-task-patch.ts";
import { codeName, toRpcError } from "../../src/rpc/status.ts";
import { service } from "./orchestrator/support/objects.ts";

/** A leader whose entries go to a list (the log) and are applied to itself and a follower, in order. */
function leaderAndFollower() {
  let ms = 1_800_000_000_000;
  // A clock that moves at each stamp: a patch's updated_at is never its created_at.
  const now = () => {
    ms += 7;
    return new Date(ms);
  };
  const follower = new ReplicatedStore();
  const leader = new ReplicatedStore({ now });
  const log: Uint8Array[] = [];
  leader.attach({
    isLeader: () => true,
    propose: async (data) => {
      log.push(data);
      leader.apply(data);
      follower.apply(data);
    },
  });
  return { leader, follower, log };
}

type Status = NonNullable<Task__Output["status"]>;
const web = service("web", { replicas: 200, cpus: 0.5, constraints: ["node.role==worker"] });
const created = (n: number): Task__Output[] =>
  Array.from({ length: n }, (_, i) => {
    const t = newTask(web, { slot: i + 1 }, `task-${i + 1}`, 1_800_000_000_000);
    return { ...t, status: { ...(t.status as Status), state: "PENDING", message: "pending task scheduling" } };
  });
/** The scheduler's pass: each task gets a node and an ASSIGNED status of its own, equal to the others'. */
const assigned = (t: Task__Output, node: string): Task__Output => ({
  ...t,
  node_id: node,
  status: { ...(t.status as Status), state: "ASSIGNED", message: "scheduler assigned task to node" },
});

const text = (b: Uint8Array) => new TextDecoder().decode(b);
const v1Task = (t: Task__Output) => ({ op: "putTask", task: t });

/**
 * The bytes the v1 codec wrote for the same entry: every task in full, every
 * patch with its created_at (the stored task's), from the decoded ops.
 */
function asV1(bytes: Uint8Array, createdAt: (id: string) => unknown): Uint8Array {
  const e = decodeStoreEntry(bytes);
  const ops = e.ops.map((op: StoreOp) =>
    op.op === "patchTask"
      ? { ...op, meta: withCreatedAt(op.meta!, createdAt(op.id) as never) }
      : op.op === "putTask"
        ? v1Task(op.task)
        : op,
  );
  return new TextEncoder().encode(
    JSON.stringify({ format: "swarmbus-store-entry/v1", version: e.version, base: e.base, ops }),
  );
}

test("200 tasks created in one entry write their shared spec once: under half the bytes, the same tasks on a follower", async () => {
  const { leader, follower, log } = leaderAndFollower();
  const staged = await leader.update((tx) => created(200).map((t) => tx.putTask(t)));
  assert.is(log.length, 1);
  const entry = log[0] as Uint8Array;
  const v1 = asV1(entry, () => null);
  const json = storeEntryJson(entry);
  assert.ok(text(v1).split('"image"').length - 1 === 200, "the v1 entry holds 200 specs");
  assert.ok(
    json.length < v1.length / 2,
    `an entry of 200 created tasks is under half its v1 size: ${json.length} vs ${v1.length} bytes of JSON`,
  );
  assert.is(json.split('"image"').length - 1, 1, "the spec is written once");

  const decoded = decodeStoreEntry(entry).ops.map((o) => (o.op === "putTask" ? o.task : undefined));
  assert.equal(decoded, staged, "decoded tasks are the ones the leader staged");
  const onFollower = follower.view((tx) => tx.tasksOfService("web"));
  assert.is(onFollower.length, 200);
  assert.ok(
    onFollower.every((t) => t.spec === onFollower[0]?.spec),
    "the follower holds one spec object for the 200 tasks",
  );
  assert.ok(onFollower.every((t) => t.meta?.created_at === t.meta?.updated_at && t.meta?.created_at));
  assert.equal(follower.snapshot(), leader.snapshot());
  // Same objects in the same key order: a follower's snapshot is the leader's, byte for byte.
  assert.is(text(follower.snapshotData()), text(leader.snapshotData()));
});

test("the scheduler's patches of a pass write their equal status once and no created_at; a follower gets the leader's tasks", async () => {
  const { leader, follower, log } = leaderAndFollower();
  const first = await leader.update((tx) => created(200).map((t) => tx.putTask(t)));
  await leader.update((tx) => {
    for (const [i, t] of first.entries()) tx.putTask(assigned(tx.task(t.id) as Task__Output, `node-${i % 10}`));
  });
  const entry = log[1] as Uint8Array;
  const ops = JSON.parse(storeEntryJson(entry)).ops as { op: string; meta: object }[];
  assert.ok(
    ops.every((o) => o.op === "patchTask" && !("created_at" in o.meta)),
    "patches carry no created_at",
  );
  const createdAt = new Map(first.map((t) => [t.id, t.meta?.created_at]));
  const v1 = asV1(entry, (id) => createdAt.get(id));
  const json = storeEntryJson(entry);
  assert.ok(json.length < v1.length * 0.6, `${json.length} vs ${v1.length} bytes of JSON`);

  const t1 = follower.view((tx) => tx.task("task-1"));
  assert.equal(
    t1,
    leader.view((tx) => tx.task("task-1")),
  );
  assert.equal(t1?.meta?.created_at, first[0]?.meta?.created_at, "created_at stays the task's creation");
  assert.is(t1?.status?.state, "ASSIGNED");
  assert.equal(follower.snapshot(), leader.snapshot());
  assert.is(text(follower.snapshotData()), text(leader.snapshotData()));
});

test("entries written by v1 (full specs, patches with created_at) still decode and apply the same", async () => {
  const { leader, log } = leaderAndFollower();
  const first = await leader.update((tx) => created(20).map((t) => tx.putTask(t)));
  await leader.update((tx) => {
    for (const t of first) tx.putTask(assigned(tx.task(t.id) as Task__Output, "node-1"));
  });
  const createdAt = new Map(first.map((t) => [t.id, t.meta?.created_at]));
  const v1Log = log.map((b) => asV1(b, (id) => createdAt.get(id)));
  assert.ok(text(v1Log[1] as Uint8Array).includes('"created_at"'), "the v1 patches carry created_at");
  const old = new ReplicatedStore();
  for (const b of v1Log) old.apply(b);
  assert.equal(old.snapshot(), leader.snapshot());
});

test("a reference that names no earlier task op with that field is not a store entry", async () => {
  const { leader, log } = leaderAndFollower();
  await leader.update((tx) => tx.putTask({ ...(created(1)[0] as Task__Output), id: "old" }));
  await leader.update((tx) => {
    tx.putTask(created(1)[0] as Task__Output);
    tx.deleteTask("old");
    for (const t of created(3).slice(1)) tx.putTask(t);
  });
  const good = JSON.parse(storeEntryJson(log[1] as Uint8Array));
  assert.equal(
    good.ops.map((o: { op: string }) => o.op),
    ["putTask", "deleteTask", "putTask", "putTask"],
  );
  assert.equal(good.ops[2].task.spec, { $op: 0 }, "task 2 refers to task 1's spec");
  const bad = (ref: unknown, field = "spec"): string => {
    const e = structuredClone(good);
    e.ops[2].task[field] = ref;
    try {
      decodeStoreEntry(new TextEncoder().encode(JSON.stringify(e)));
    } catch (err) {
      const r = toRpcError(err);
      assert.is(codeName(r.code), "Unknown");
      return r.message;
    }
    assert.unreachable(`${JSON.stringify(ref)} was accepted`);
    return "";
  };
  assert.match(bad({ $op: 3 }), 'not a store entry: op 2: task field spec refers to {"$op":3}, not to an earlier op');
  assert.match(bad({ $op: 2 }), "not to an earlier op");
  assert.match(bad({ $op: -1 }), "not to an earlier op");
  assert.match(bad({ $op: "0" }), "not to an earlier op");
  assert.match(bad({ $op: 0, image: "x" }), "not to an earlier op");
  assert.match(bad({ $op: 1 }), "not a store entry: op 2: task field spec refers to op 1, a deleteTask without spec");
  assert.match(bad({ $op: 0 }, "no_such_field"), "refers to op 0, a putTask without no_such_field");
});

test("an op whose object is not what it names is refused with the reason, and a follower applies none of the entry", async () => {
  const { leader, follower, log } = leaderAndFollower();
  await leader.update((tx) => created(2).map((t) => tx.putTask(t)));
  await leader.update((tx) => {
    for (const t of created(2)) tx.putTask(assigned(t, "node-1"));
  });
  const creates = JSON.parse(storeEntryJson(log[0] as Uint8Array));
  const patches = JSON.parse(storeEntryJson(log[1] as Uint8Array));
  assert.equal(
    patches.ops.map((o: { op: string }) => o.op),
    ["patchTask", "patchTask"],
  );
  const refused = (entry: { ops: Record<string, unknown>[] }, change: (op: Record<string, unknown>) => void) => {
    const e = structuredClone(entry);
    change(e.ops[1] as Record<string, unknown>);
    const before = follower.snapshot();
    try {
      follower.apply(new TextEncoder().encode(JSON.stringify(e)));
    } catch (err) {
      const r = toRpcError(err);
      assert.is(codeName(r.code), "Unknown");
      assert.equal(follower.snapshot(), before, "nothing of the entry applied");
      return r.message;
    }
    assert.unreachable(`${JSON.stringify(e.ops[1])} was accepted`);
    return "";
  };
  const noId = "expected an object with a non-empty string id";
  assert.match(
    refused(creates, (op) => {
      (op.task as Record<string, unknown>).id = "";
    }),
    noId,
  );
  assert.match(
    refused(creates, (op) => {
      op.task = [op.task];
    }),
    noId,
  );
  assert.match(
    refused(creates, (op) => {
      op.task = null;
    }),
    noId,
  );
  assert.match(
    refused(creates, (op) => {
      op.op = "putWidget";
    }),
    /^not a store entry: /,
  );
  assert.match(
    refused(patches, (op) => {
      (op.set as Record<string, unknown>).id = "another";
    }),
    "a task patch sets neither id nor meta",
  );
  assert.match(
    refused(patches, (op) => {
      op.set = "status";
    }),
    "a task patch sets neither id nor meta",
  );
  assert.match(
    refused(patches, (op) => {
      op.meta = 7;
    }),
    "expected an object",
  );
  // The entries themselves apply, in order, to the same tasks as on the leader.
  follower.apply(log[0] as Uint8Array);
  follower.apply(log[1] as Uint8Array);
  assert.equal(follower.snapshot().tasks, leader.snapshot().tasks);
});

test("a big entry goes to the log deflated (200 created tasks in under a tenth of their JSON), a small one as plain JSON", async () => {
  const { leader, follower, log } = leaderAndFollower();
  await leader.update((tx) => created(200).map((t) => tx.putTask(t)));
  await leader.update((tx) => tx.deleteTask("task-1"));
  const [big, small] = log as [Uint8Array, Uint8Array];
  const json = storeEntryJson(big);
  assert.ok(json.length >= COMPRESS_FROM);
  assert.ok(big.length * 10 < json.length, `${big.length} bytes in the log for ${json.length} of JSON`);
  assert.not.ok(text(big).includes('"putTask"'), "not readable as text");
  assert.ok(text(small).startsWith('{"format":"swarmbus-store-entry/v2"'), `plain JSON: ${text(small)}`);
  assert.equal(follower.snapshot(), leader.snapshot());
  assert.is(
    follower.view((tx) => tx.tasks().length),
    199,
  );
});

test("deflated bytes that are not an entry, or would inflate past the bound, are refused with a clear error", async () => {
  const { leader, log } = leaderAndFollower();
  await leader.update((tx) => created(200).map((t) => tx.putTask(t)));
  const big = log[0] as Uint8Array;
  const refused = (bytes: Uint8Array): string => {
    try {
      decodeStoreEntry(bytes);
    } catch (err) {
      const r = toRpcError(err);
      assert.is(codeName(r.code), "Unknown");
      return r.message;
    }
    assert.unreachable("accepted");
    return "";
  };
  // Cut short: the deflate stream ends early.
  assert.match(refused(big.subarray(0, big.length >> 1)), /^store entry is not deflated JSON: /);
  // A bomb: 100 MB of zeros deflate to ~100 KB; the reader stops at its bound instead of holding them.
  const bomb = deflateRawSync(Buffer.alloc(100 * 2 ** 20));
  assert.match(
    refused(Buffer.concat([Buffer.from([0x01]), bomb])),
    /^store entry is not deflated JSON: .*(buffer|length|size)/i,
  );
  // Deflated text that is no entry.
  const notEntry = Buffer.concat([Buffer.from([0x01]), deflateRawSync(Buffer.from('{"hello":1}'))]);
  assert.match(refused(notEntry), /^not a store entry: /);
});

test.run();
