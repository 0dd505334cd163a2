import { test } from "uvu";
import * as assert from "uvu/assert";
import type { Service__Output } from "../../src/gen/docker/swarmkit/v1/Service.ts";
import type { Task__Output } from "../../src/gen/docker/swarmkit/v1/Task.ts";
import { createMemoryStore, ReplicatedStore, type StoreEvent } from "../../src/manager/store.ts";

const service = (id: string, name: string) => ({ id, spec: { annotations: { name } } }) as unknown as Service__Output;
const task = (id: string, serviceId: string, nodeId: string) =>
  ({ id, service_id: serviceId, node_id: nodeId, slot: "1" }) as unknown as Task__Output;
const ids = (ts: { id: string }[]) => ts.map((t) => t.id).sort();

test("services are created, updated and deleted through the log, and watchers see each change", async () => {
  const store = createMemoryStore();
  const seen: string[] = [];
  store.watch((e: StoreEvent) => {
    if (e.kind === "service") seen.push(`${e.action}:${e.service.id}`);
  });
  const created = await store.update((tx) => tx.putService(service("s1", "web")));
  assert.equal(created.meta?.version?.index, "1");
  await store.update((tx) =>
    tx.putService({ ...created, spec: { ...created.spec, annotations: { name: "web" } } } as Service__Output),
  );
  await store.update((tx) => tx.deleteService("s1"));
  assert.equal(seen, ["create:s1", "update:s1", "delete:s1"]);
  assert.equal(
    store.view((tx) => tx.services()),
    [],
  );
});

test("tasks are found by service and by node, and the indexes follow moves and deletes", async () => {
  const store = createMemoryStore();
  await store.update((tx) => {
    tx.putTask(task("t1", "s1", "n1"));
    tx.putTask(task("t2", "s1", ""));
    tx.putTask(task("t3", "s2", "n1"));
  });
  assert.equal(ids(store.view((tx) => tx.tasksOfService("s1"))), ["t1", "t2"]);
  assert.equal(ids(store.view((tx) => tx.tasksOfNode("n1"))), ["t1", "t3"]);
  // The scheduler assigns t2 to n2; the reaper deletes t1.
  await store.update((tx) => {
    const t2 = tx.task("t2");
    if (t2) tx.putTask({ ...t2, node_id: "n2" });
    tx.deleteTask("t1");
    // Inside the transaction the staged view already answers with its own changes.
    assert.equal(ids(tx.tasksOfNode("n2")), ["t2"]);
    assert.equal(ids(tx.tasksOfService("s1")), ["t2"]);
  });
  assert.equal(ids(store.view((tx) => tx.tasksOfNode("n1"))), ["t3"]);
  assert.equal(ids(store.view((tx) => tx.tasksOfNode("n2"))), ["t2"]);
  assert.equal(ids(store.view((tx) => tx.tasksOfService("s1"))), ["t2"]);
});

test("a snapshot carries services and tasks, and a restored store rebuilds its indexes", async () => {
  const store = createMemoryStore();
  await store.update((tx) => {
    tx.putService(service("s1", "web"));
    tx.putTask(task("t1", "s1", "n1"));
  });
  const restored = new ReplicatedStore();
  restored.restore(store.snapshotData());
  assert.equal(
    restored.view((tx) => tx.service("s1")?.spec?.annotations?.name),
    "web",
  );
  assert.equal(ids(restored.view((tx) => tx.tasksOfNode("n1"))), ["t1"]);
  assert.equal(ids(restored.view((tx) => tx.tasksOfService("s1"))), ["t1"]);
});

test("a snapshot written before services existed still restores", () => {
  const old = new TextEncoder().encode(
    JSON.stringify({ format: "swarmbus-store/v1", version: 3, nodes: [], tasks: [], cluster: null }),
  );
  const store = new ReplicatedStore();
  store.restore(old);
  assert.equal(
    store.view((tx) => tx.services()),
    [],
  );
});

test.run();
