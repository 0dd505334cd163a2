import { test } from "uvu";
import * as assert from "uvu/assert";
import { TaskPlan } from "../../../src/manager/control-loop/task-changes.ts";
import {
  ENFORCER_ERR,
  ENFORCER_MESSAGE,
  enforceConstraints,
} from "../../../src/manager/orchestrator/enforce-constraints.ts";
import { node, readTx, service, summary, task } from "./support/objects.ts";

function run(n: ReturnType<typeof node>, objs: Parameters<typeof readTx>[0]) {
  const plan = new TaskPlan();
  enforceConstraints(readTx({ ...objs, nodes: [n] }), n, plan, 0);
  return plan;
}

test("a task whose node no longer meets its service's constraints is rejected, with SwarmKit's texts", () => {
  const web = service("web", { constraints: ["node.labels.zone==a"] });
  const plan = run(node("n1", { labels: { zone: "b" } }), {
    services: [web],
    tasks: [task("t1", web, { nodeId: "n1", state: "RUNNING" })],
  });
  assert.equal(summary(plan), ["update t1 state=REJECTED err=assigned node no longer meets constraints"]);
  const c = plan.changes()[0];
  assert.is(c?.op === "update" && c.task.status?.message, ENFORCER_MESSAGE);
  assert.is(c?.op === "update" && c.task.status?.err, ENFORCER_ERR);
});

test("reservations beyond the node's resources: the later tasks are rejected", () => {
  const web = service("web", { cpus: 2 });
  const plan = run(node("n1", { cpus: 3 }), {
    services: [web],
    tasks: [
      task("old", web, { nodeId: "n1", state: "RUNNING", createdMs: 1 }),
      task("new", web, { nodeId: "n1", state: "ASSIGNED", createdMs: 2 }),
    ],
  });
  assert.equal(summary(plan), ["update new state=REJECTED err=assigned node no longer meets constraints"]);
});

test("ended tasks, tasks not to run, and paused or drained nodes are left alone", () => {
  const web = service("web", { constraints: ["node.labels.zone==a"] });
  const tasks = [
    task("done", web, { nodeId: "n1", state: "COMPLETE" }),
    task("stopping", web, { nodeId: "n1", state: "RUNNING", desired: "SHUTDOWN" }),
  ];
  assert.equal(summary(run(node("n1"), { services: [web], tasks })), []);
  const live = [task("t1", web, { nodeId: "n1" })];
  assert.equal(summary(run(node("n1", { availability: "PAUSE" }), { services: [web], tasks: live })), []);
  assert.equal(summary(run(node("n1", { availability: "DRAIN" }), { services: [web], tasks: live })), []);
});

test.run();
