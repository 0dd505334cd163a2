import { test } from "uvu";
import * as assert from "uvu/assert";
import type { Task__Output } from "../../../src/gen/docker/swarmkit/v1/Task.ts";
import { TaskPlan } from "../../../src/manager/control-loop/task-changes.ts";
import { reconcileGlobal } from "../../../src/manager/orchestrator/global.ts";
import { ids, node, readTx, service, summary, task } from "./support/objects.ts";

function run(objs: Parameters<typeof readTx>[0]) {
  const tx = readTx(objs);
  const plan = new TaskPlan();
  reconcileGlobal(tx, tx.service("mon") ?? service("mon"), plan, { newId: ids(), nowMs: 1000 });
  return plan;
}

test("one preassigned task per ready node: slot 0, node set, NEW / desired RUNNING", () => {
  const mon = service("mon", { global: true });
  const plan = run({ nodes: [node("n1"), node("n2")], services: [mon] });
  assert.equal(summary(plan), ["create new1 node n1 desired=RUNNING", "create new2 node n2 desired=RUNNING"]);
  const t = plan.created()[0] as Task__Output;
  assert.is(t.slot, "0");
  assert.is(t.status?.state, "NEW");
});

test("a node joining gets a task; nodes that have one get nothing more", () => {
  const mon = service("mon", { global: true });
  const plan = run({
    nodes: [node("n1"), node("n2"), node("n3")],
    services: [mon],
    tasks: [task("a", mon, { nodeId: "n1" }), task("b", mon, { nodeId: "n2" })],
  });
  assert.equal(summary(plan), ["create new1 node n3 desired=RUNNING"]);
});

test("drained, DOWN and departed nodes: their tasks are shut down, and nothing is created there", () => {
  const mon = service("mon", { global: true });
  const plan = run({
    nodes: [node("n1", { availability: "DRAIN" }), node("n2", { state: "DOWN" })],
    services: [mon],
    tasks: [task("a", mon, { nodeId: "n1" }), task("b", mon, { nodeId: "n2" }), task("c", mon, { nodeId: "gone" })],
  });
  assert.equal(summary(plan), ["update a desired=SHUTDOWN", "update b desired=SHUTDOWN", "update c desired=SHUTDOWN"]);
});

test("a paused node keeps its task, and a paused node without one gets none", () => {
  const mon = service("mon", { global: true });
  const plan = run({
    nodes: [node("n1", { availability: "PAUSE" }), node("n2", { availability: "PAUSE" })],
    services: [mon],
    tasks: [task("a", mon, { nodeId: "n1" })],
  });
  assert.equal(summary(plan), []);
});

test("constraints: only matching nodes get a task; a node that stops matching has its task shut down", () => {
  const mon = service("mon", { global: true, constraints: ["node.labels.zone==a"] });
  const plan = run({
    nodes: [node("n1", { labels: { zone: "a" } }), node("n2", { labels: { zone: "b" } })],
    services: [mon],
    tasks: [task("b", mon, { nodeId: "n2" })],
  });
  assert.equal(summary(plan), ["create new1 node n1 desired=RUNNING", "update b desired=SHUTDOWN"]);
});

test("a failed task is restarted on its node; on a paused node it is only shut down", () => {
  const mon = service("mon", { global: true });
  const plan = run({
    nodes: [node("n1"), node("n2", { availability: "PAUSE" })],
    services: [mon],
    tasks: [task("a", mon, { nodeId: "n1", state: "FAILED" }), task("b", mon, { nodeId: "n2", state: "FAILED" })],
  });
  assert.equal(summary(plan), [
    "update a desired=SHUTDOWN",
    "create new1 node n1 desired=READY",
    "update b desired=SHUTDOWN",
  ]);
});

test.run();
