import { test } from "uvu";
import * as assert from "uvu/assert";
import type { Task__Output } from "../../../src/gen/docker/swarmkit/v1/Task.ts";
import { TaskPlan } from "../../../src/manager/control-loop/task-changes.ts";
import {
  reconcileReplicated,
  removeServiceTasks,
  scaleDownOrder,
} from "../../../src/manager/orchestrator/replicated.ts";
import { ids, node, readTx, service, summary, task } from "./support/objects.ts";

const NOW = 1_000_000;

function run(objs: Parameters<typeof readTx>[0], id = "web") {
  const tx = readTx(objs);
  const plan = new TaskPlan();
  const s = tx.service(id);
  if (!s) throw new Error("no service");
  reconcileReplicated(tx, s, plan, { newId: ids(), nowMs: NOW });
  return plan;
}

test("a new service of 3 gets slots 1, 2, 3: NEW tasks with desired RUNNING, no node", () => {
  const plan = run({ services: [service("web", { replicas: 3 })] });
  assert.equal(summary(plan), [
    "create new1 slot 1 desired=RUNNING",
    "create new2 slot 2 desired=RUNNING",
    "create new3 slot 3 desired=RUNNING",
  ]);
  const t = plan.created()[0] as Task__Output;
  assert.is(t.status?.state, "NEW");
  assert.is(t.status?.message, "created");
});

test("scale up fills the lowest free slots first", () => {
  const web = service("web", { replicas: 4 });
  const plan = run({
    nodes: [node("n1")],
    services: [web],
    tasks: [task("a", web, { slot: 2, nodeId: "n1" }), task("b", web, { slot: 4, nodeId: "n1" })],
  });
  assert.equal(summary(plan), ["create new1 slot 1 desired=RUNNING", "create new2 slot 3 desired=RUNNING"]);
});

test("a slot whose only task is being removed is free again", () => {
  const web = service("web", { replicas: 2 });
  const plan = run({
    nodes: [node("n1")],
    services: [web],
    tasks: [task("a", web, { slot: 1, nodeId: "n1" }), task("b", web, { slot: 2, nodeId: "n1", desired: "REMOVE" })],
  });
  assert.equal(summary(plan), ["create new1 slot 2 desired=RUNNING"]);
});

test("scale down: the node with the most copies loses first; the lower slot is kept", () => {
  const web = service("web", { replicas: 2 });
  // n1 holds slots 1, 2, 3; n2 holds slot 4.
  const plan = run({
    nodes: [node("n1"), node("n2")],
    services: [web],
    tasks: [
      task("a", web, { slot: 1, nodeId: "n1" }),
      task("b", web, { slot: 2, nodeId: "n1" }),
      task("c", web, { slot: 3, nodeId: "n1" }),
      task("d", web, { slot: 4, nodeId: "n2" }),
    ],
  });
  assert.equal(summary(plan), ["update b desired=REMOVE", "update c desired=REMOVE"]);
});

test("scale down keeps running tasks before the others, whatever their slot", () => {
  const web = service("web", { replicas: 1 });
  const plan = run({
    nodes: [node("n1"), node("n2")],
    services: [web],
    tasks: [
      task("a", web, { slot: 1, nodeId: "n1", state: "ASSIGNED" }),
      task("b", web, { slot: 2, nodeId: "n2", state: "RUNNING" }),
    ],
  });
  assert.equal(summary(plan), ["update a desired=REMOVE"]);
});

test("scale-down order: slots not on a single node go last", () => {
  const web = service("web");
  const held = new Map([
    [1, [task("a", web, { slot: 1, state: "PENDING" })]],
    [2, [task("b", web, { slot: 2, nodeId: "n1" })]],
    [3, [task("c", web, { slot: 3, nodeId: "n1" })]],
  ]);
  assert.equal(scaleDownOrder(held), [2, 3, 1]);
});

test("a task that ended while wanted is restarted in its slot: old desired SHUTDOWN, new desired READY", () => {
  const web = service("web", { replicas: 1 });
  const plan = run({
    nodes: [node("n1")],
    services: [web],
    tasks: [task("a", web, { slot: 1, nodeId: "n1", state: "FAILED" })],
  });
  assert.equal(summary(plan), ["update a desired=SHUTDOWN", "create new1 slot 1 desired=READY"]);
  assert.is((plan.created()[0] as Task__Output).node_id, "");
});

for (const [why, n] of [
  ["its node is gone", undefined],
  ["its node is DOWN", node("n1", { state: "DOWN" })],
  ["its node is drained", node("n1", { availability: "DRAIN" })],
] as const) {
  test(`a running task is replaced when ${why}`, () => {
    const web = service("web", { replicas: 1 });
    const plan = run({
      nodes: n ? [n] : [],
      services: [web],
      tasks: [task("a", web, { slot: 1, nodeId: "n1", state: "RUNNING" })],
    });
    assert.equal(summary(plan), ["update a desired=SHUTDOWN", "create new1 slot 1 desired=READY"]);
  });
}

test("a paused node keeps its task", () => {
  const web = service("web", { replicas: 1 });
  const plan = run({
    nodes: [node("n1", { availability: "PAUSE" })],
    services: [web],
    tasks: [task("a", web, { slot: 1, nodeId: "n1" })],
  });
  assert.equal(summary(plan), []);
});

test("a COMPLETE task under ON_FAILURE is shut down, not replaced, and its slot is not refilled", () => {
  const web = service("web", { replicas: 1, restart: { condition: "ON_FAILURE" } });
  const plan = run({
    nodes: [node("n1")],
    services: [web],
    tasks: [task("a", web, { slot: 1, nodeId: "n1", state: "COMPLETE" })],
  });
  assert.equal(summary(plan), ["update a desired=SHUTDOWN"]);
});

test("a deleted service's tasks are all to be removed", () => {
  const web = service("web");
  const plan = new TaskPlan();
  removeServiceTasks(
    [
      task("a", web, { slot: 1 }),
      task("b", web, { slot: 2, desired: "SHUTDOWN" }),
      task("c", web, { desired: "REMOVE" }),
    ],
    plan,
  );
  assert.equal(summary(plan), ["update a desired=REMOVE", "update b desired=REMOVE"]);
});

test("a converged service decides nothing", () => {
  const web = service("web", { replicas: 2 });
  const plan = run({
    nodes: [node("n1")],
    services: [web],
    tasks: [
      task("a", web, { slot: 1, nodeId: "n1" }),
      task("b", web, { slot: 2, nodeId: "n1" }),
      task("old", web, { slot: 2, nodeId: "n1", state: "FAILED", desired: "SHUTDOWN" }),
    ],
  });
  assert.is(plan.size, 0);
});

test.run();
