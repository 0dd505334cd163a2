import { test } from "uvu";
import * as assert from "uvu/assert";
import type { TaskState__Output } from "../../../src/gen/docker/swarmkit/v1/TaskState.ts";
import { TaskPlan } from "../../../src/manager/control-loop/task-changes.ts";
import { allocate } from "../../../src/manager/orchestrator/allocate.ts";
import { newTask } from "../../../src/manager/orchestrator/index.ts";
import { historyLimit, removable, trimHistory } from "../../../src/manager/orchestrator/reap.ts";
import { service, summary, task } from "./support/objects.ts";

test("newTask copies the service's spec, version and annotations; NEW 'created', desired RUNNING", () => {
  const web = service("web", { replicas: 2, specVersion: 7 });
  const t = newTask(web, { slot: 2 }, "t1", 1_500);
  assert.is(t.id, "t1");
  assert.is(t.service_id, "web");
  assert.is(t.slot, "2");
  assert.is(t.node_id, "");
  assert.is(t.spec, web.spec?.task);
  assert.equal(t.spec_version, { index: "7" });
  assert.equal(t.service_annotations, { name: "web", labels: {} });
  assert.equal(t.status, {
    timestamp: { seconds: "1", nanos: 500_000_000 },
    state: "NEW",
    message: "created",
    err: "",
    applied_by: "",
    applied_at: null,
  });
  assert.is(t.desired_state, "RUNNING");
  const g = newTask(service("mon", { global: true }), { nodeId: "n1" }, "t2", 0);
  assert.is(g.slot, "0");
  assert.is(g.node_id, "n1");
});

test("the allocator moves NEW tasks to PENDING 'pending task scheduling', and nothing else", () => {
  const web = service("web");
  const plan = new TaskPlan();
  for (const t of [
    task("a", web, { state: "NEW" }),
    task("b", web, { state: "NEW", desired: "REMOVE" }),
    task("c", web, { state: "PENDING" }),
  ]) {
    allocate(t, plan, 0);
  }
  assert.equal(summary(plan), ["update a state=PENDING"]);
  const c = plan.changes()[0];
  assert.is(c?.op === "update" && c.task.status?.message, "pending task scheduling");
});

test("desired REMOVE tasks go once never assigned or stopped; other tasks stay, even of an unknown service", () => {
  const web = service("web");
  const removing = (state: TaskState__Output) => task("x", web, { state, desired: "REMOVE" });
  assert.ok(removable(removing("PENDING")));
  assert.not.ok(removable(removing("ASSIGNED")));
  assert.not.ok(removable(removing("RUNNING")));
  assert.ok(removable(removing("COMPLETE")));
  assert.ok(removable(removing("SHUTDOWN")));
  assert.not.ok(removable(task("y", web, { state: "FAILED", desired: "SHUTDOWN" })), "history, kept by slot");
});

test("a slot keeps 5 tasks, the live one included: the oldest finished ones go", () => {
  const web = service("web");
  const slot = [
    ...[1, 2, 3, 4, 5, 6].map((i) => task(`old${i}`, web, { slot: 1, state: "FAILED", desired: "SHUTDOWN", atMs: i })),
    task("live", web, { slot: 1, state: "RUNNING", atMs: 7 }),
  ];
  const plan = new TaskPlan();
  trimHistory(slot, historyLimit(web, 5), plan);
  assert.equal(summary(plan), ["delete old1", "delete old2"]);
});

test("MaxAttempts > 0 keeps MaxAttempts + 1 tasks a slot", () => {
  const web = service("web", { restart: { maxAttempts: 7 } });
  assert.is(historyLimit(web, 5), 8);
  assert.is(historyLimit(service("x"), 5), 5);
});

test.run();
