import { readFileSync } from "node:fs";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { machineOfActor } from "../../src/inspect/dashboard/actor-machines.ts";
import { DashboardModel, type DashboardUpdate } from "../../src/inspect/dashboard/model.ts";
import { serviceViews, taskViews } from "../../src/inspect/dashboard/services-view.ts";

/** `service.ls` and `task.ls` answers in moby's JSON, as src/node/service-convert.ts writes them, plus a row of junk each. */
const fixture = JSON.parse(readFileSync(new URL("./fixtures/dashboard-services.json", import.meta.url), "utf8")) as {
  serviceLs: { services: unknown[] };
  taskLs: { tasks: unknown[]; nodeNames: Record<string, string>; serviceNames: Record<string, string> };
};
const tasks = () => taskViews(fixture.taskLs.tasks, fixture.taskLs.nodeNames, fixture.taskLs.serviceNames);

test("services as `service ls` shows them: name, mode, running/desired, image; a malformed row is skipped", () => {
  assert.equal(serviceViews(fixture.serviceLs.services), [
    { id: "svcmon0000000000000000002", name: "mon", mode: "global", running: 1, desired: 2, image: "true" },
    { id: "svcweb0000000000000000001", name: "web", mode: "replicated", running: 2, desired: 3, image: "sleep" },
  ]);
  // A daemon that does not count (no ServiceStatus): a replicated service still shows its replicas as desired.
  const [bare] = serviceViews([{ ID: "x", Spec: { Name: "x", Mode: { Replicated: { Replicas: 4 } } } }]);
  assert.is(bare?.desired, 4);
  assert.is(bare?.running, 0);
});

test("tasks named as `service ps` names them, by service then slot, a slot's current task above its history", () => {
  const rows = tasks();
  assert.equal(
    rows.map((t) => `${t.name}@${t.node}:${t.desiredState}/${t.state}`),
    [
      "mon.m1id00000000000000000000a@m1:running/starting",
      "mon.w1id00000000000000000000b@w1:running/running",
      "web.1@w1:running/running",
      "web.1@w2:shutdown/failed",
      "web.2@m1:running/running",
      "web.3@:running/pending",
    ],
  );
  assert.equal(
    rows.map((t) => t.live),
    [true, true, true, false, true, true],
    "history rows (shut down, stopped) are not live; a pending task is",
  );
});

test("a task's error is kept whole: the full no-suitable-node explanation, the exit code", () => {
  const rows = tasks();
  const pending = rows.find((t) => t.name === "web.3");
  assert.is(
    pending?.error,
    "no suitable node (scheduling constraints not satisfied on 2 nodes; insufficient resources on 1 node)",
  );
  assert.is(pending?.nodeId, "");
  assert.is(rows.find((t) => t.id === "t-web1-old")?.error, "task: non-zero exit (1)");
});

test("a node the list does not name shows by ID; a service it does not name, by ID", () => {
  const [t] = taskViews(
    [{ ID: "t1", ServiceID: "s1", Slot: 1, NodeID: "n1", DesiredState: "running", Status: { State: "assigned" } }],
    {},
    {},
  );
  assert.is(t?.node, "n1");
  assert.is(t?.name, "s1.1");
});

test("the model hands a services change to the page once, and the snapshot carries it", () => {
  const m = new DashboardModel();
  const updates: DashboardUpdate[] = [];
  m.onUpdate((u) => updates.push(u));
  assert.equal(m.snapshot().services, { source: null, error: null, time: null, services: [], tasks: [] });
  const view = {
    source: "m1",
    error: null,
    time: "2026-01-01T12:00:08.000Z",
    services: serviceViews(fixture.serviceLs.services),
    tasks: tasks(),
  };
  m.setServices(view);
  m.setServices(structuredClone(view));
  assert.equal(
    updates.map((u) => u.type),
    ["services"],
  );
  assert.is(m.snapshot().services.tasks.length, 6);
});

test("task actors (task-<taskId>) run the task machine; a name that only starts alike runs none", () => {
  assert.is(machineOfActor("task-abc"), "task");
  assert.is(machineOfActor("liveness-x"), "nodeLiveness");
  assert.is(machineOfActor("tasks"), null);
});

test.run();
