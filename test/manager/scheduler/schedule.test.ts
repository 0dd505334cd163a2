import { test } from "uvu";
import * as assert from "uvu/assert";
import type { Task__Output } from "../../../src/gen/docker/swarmkit/v1/Task.ts";
import { TaskPlan } from "../../../src/manager/control-loop/task-changes.ts";
import { schedule } from "../../../src/manager/scheduler/schedule.ts";
import { node, readTx, service, summary, task } from "../orchestrator/support/objects.ts";

function run(objs: Parameters<typeof readTx>[0], failures?: (nodeId: string, t: Task__Output) => number) {
  const tx = readTx(objs);
  const pending = tx.tasks().filter((t) => t.status?.state === "PENDING");
  const plan = new TaskPlan();
  schedule({ tx, pending, nowMs: 0, ...(failures ? { recentFailures: failures } : {}) }, plan);
  return plan;
}

const pendingTasks = (s: ReturnType<typeof service>, n: number, from = 1) =>
  Array.from({ length: n }, (_, i) => task(`t${from + i}`, s, { slot: from + i, state: "PENDING" }));

const errOf = (plan: TaskPlan, id: string) => {
  const c = plan.changes().find((c) => c.op === "update" && c.base.id === id);
  return c?.op === "update" ? c.task.status?.err : undefined;
};

test("tasks spread: fewer tasks of the service first, then fewer tasks in all", () => {
  const web = service("web", { replicas: 3 });
  const other = service("other");
  const plan = run({
    nodes: [node("n1"), node("n2")],
    services: [web, other],
    // n1 already runs a task of another service: n2 is the better node for the first task.
    tasks: [task("o1", other, { nodeId: "n1", state: "RUNNING" }), ...pendingTasks(web, 3)],
  });
  assert.equal(summary(plan), [
    "update t1 state=ASSIGNED node=n2",
    "update t2 state=ASSIGNED node=n1",
    "update t3 state=ASSIGNED node=n2",
  ]);
  const c = plan.changes()[0];
  assert.is(c?.op === "update" && c.task.status?.message, "scheduler assigned task to node");
});

test("tasks of the service already on a node count against it", () => {
  const web = service("web", { replicas: 4 });
  const plan = run({
    nodes: [node("n1"), node("n2")],
    services: [web],
    tasks: [
      task("r1", web, { slot: 1, nodeId: "n1", state: "RUNNING" }),
      task("r2", web, { slot: 2, nodeId: "n1", state: "RUNNING" }),
      ...pendingTasks(web, 2, 3),
    ],
  });
  assert.equal(summary(plan), ["update t3 state=ASSIGNED node=n2", "update t4 state=ASSIGNED node=n2"]);
});

test("explain: one failing node, SwarmKit's singular texts", () => {
  const cases: [string, Parameters<typeof node>[1], Parameters<typeof service>[1], string][] = [
    ["down", { state: "DOWN" }, {}, "no suitable node (1 node not available for new tasks)"],
    ["drained", { availability: "DRAIN" }, {}, "no suitable node (1 node not available for new tasks)"],
    ["paused", { availability: "PAUSE" }, {}, "no suitable node (1 node not available for new tasks)"],
    ["too small", { cpus: 1 }, { cpus: 2 }, "no suitable node (insufficient resources on 1 node)"],
    ["memory", { memoryBytes: 100 }, { memoryBytes: 101 }, "no suitable node (insufficient resources on 1 node)"],
    [
      "constraint",
      {},
      { constraints: ["node.role==manager"] },
      "no suitable node (scheduling constraints not satisfied on 1 node)",
    ],
  ];
  for (const [why, nodeOpts, serviceOpts, err] of cases) {
    const web = service("web", serviceOpts);
    const plan = run({ nodes: [node("n1", nodeOpts)], services: [web], tasks: pendingTasks(web, 1) });
    assert.equal(summary(plan), [`update t1 err=${err}`], why);
  }
});

test("explain: counts per filter, most failures first, joined by '; '; a node stops at its first failing filter", () => {
  const web = service("web", { cpus: 2, constraints: ["node.labels.zone==a"] });
  const plan = run({
    nodes: [
      node("down1", { state: "DOWN", cpus: 1 }), // fails Ready only, though it is small too
      node("small1", { cpus: 1, labels: { zone: "a" } }),
      node("small2", { cpus: 1 }),
      node("small3", { cpus: 1 }),
      node("zb", { cpus: 4, labels: { zone: "b" } }),
    ],
    services: [web],
    tasks: pendingTasks(web, 1),
  });
  assert.is(
    errOf(plan, "t1"),
    "no suitable node (insufficient resources on 3 nodes; 1 node not available for new tasks; scheduling constraints not satisfied on 1 node)",
  );
});

test("plural texts, and max replicas per node", () => {
  const web = service("web", { maxReplicas: 1 });
  const plan = run({
    nodes: [node("n1"), node("n2", { state: "DOWN" }), node("n3", { state: "DOWN" })],
    services: [web],
    tasks: pendingTasks(web, 2),
  });
  assert.equal(summary(plan), [
    "update t1 state=ASSIGNED node=n1",
    "update t2 err=no suitable node (2 nodes not available for new tasks; max replicas per node limit exceed)",
  ]);
});

test("no nodes at all: bare 'no suitable node'", () => {
  const web = service("web");
  assert.equal(summary(run({ services: [web], tasks: pendingTasks(web, 1) })), ["update t1 err=no suitable node"]);
});

test("resources run out while placing: the rest stay pending with the reason", () => {
  const web = service("web", { cpus: 1 });
  const plan = run({ nodes: [node("n1", { cpus: 2 })], services: [web], tasks: pendingTasks(web, 3) });
  assert.equal(summary(plan), [
    "update t1 state=ASSIGNED node=n1",
    "update t2 state=ASSIGNED node=n1",
    "update t3 err=no suitable node (insufficient resources on 1 node)",
  ]);
});

test("a task already waiting with the same reason is not written again", () => {
  const web = service("web");
  const waiting = task("t1", web, { slot: 1, state: "PENDING" });
  const explained = {
    ...waiting,
    status: {
      ...(waiting.status as NonNullable<Task__Output["status"]>),
      err: "no suitable node (1 node not available for new tasks)",
    },
  };
  assert.is(run({ nodes: [node("n1", { state: "DOWN" })], services: [web], tasks: [explained] }).size, 0);
});

test("a preassigned task is confirmed on its node, or keeps waiting with the bare explanation", () => {
  const mon = service("mon", { global: true, cpus: 2 });
  const plan = run({
    nodes: [node("n1"), node("n2", { cpus: 1 })],
    services: [mon],
    tasks: [task("g1", mon, { nodeId: "n1", state: "PENDING" }), task("g2", mon, { nodeId: "n2", state: "PENDING" })],
  });
  assert.equal(summary(plan), ["update g1 state=ASSIGNED", "update g2 err=insufficient resources on 1 node"]);
  const c = plan.changes()[0];
  assert.is(c?.op === "update" && c.task.status?.message, "scheduler confirmed task can run on preassigned node");
});

test("a pending task of an older spec that is to stop is shut down instead", () => {
  const v2 = service("web", { specVersion: 2 });
  const old = task("t1", v2, { slot: 1, state: "PENDING", desired: "SHUTDOWN", specVersion: 1 });
  assert.equal(summary(run({ nodes: [node("n1", { state: "DOWN" })], services: [v2], tasks: [old] })), [
    "update t1 state=SHUTDOWN",
  ]);
});

test("a node with 5 recent failures of the service is used last", () => {
  const web = service("web");
  const plan = run(
    { nodes: [node("bad"), node("good", { cpus: 4 })], services: [web], tasks: pendingTasks(web, 1) },
    (nodeId) => (nodeId === "bad" ? 5 : 0),
  );
  assert.equal(summary(plan), ["update t1 state=ASSIGNED node=good"]);
});

const zoned = (prefs: string[]) => {
  const web = service("web", { replicas: 4 });
  const placement = web.spec?.task?.placement;
  if (placement) placement.preferences = prefs.map((d) => ({ spread: { spread_descriptor: d } }));
  return web;
};

const perZone = (plan: TaskPlan, zoneOf: Record<string, string>) => {
  const out: Record<string, number> = {};
  for (const c of plan.changes()) {
    if (c.op !== "update" || c.task.status?.state !== "ASSIGNED") continue;
    const z = zoneOf[c.task.node_id] ?? "?";
    out[z] = (out[z] ?? 0) + 1;
  }
  return out;
};

test("spread over node.labels.zone: each zone gets its share, whatever its number of nodes", () => {
  const nodes = [
    node("a1", { labels: { zone: "a" } }),
    node("a2", { labels: { zone: "a" } }),
    node("b1", { labels: { zone: "b" } }),
  ];
  const zones = { a1: "a", a2: "a", b1: "b" };
  const spread = zoned(["node.labels.zone"]);
  assert.equal(perZone(run({ nodes, services: [spread], tasks: pendingTasks(spread, 4) }), zones), { a: 2, b: 2 });
  const plain = service("web", { replicas: 4 });
  assert.equal(perZone(run({ nodes, services: [plain], tasks: pendingTasks(plain, 4) }), zones), { a: 3, b: 1 });
});

test("spread counts the tasks already in each zone; nodes without the label form their own branch", () => {
  const spread = zoned(["node.labels.zone"]);
  const nodes = [node("a1", { labels: { zone: "a" } }), node("b1", { labels: { zone: "b" } }), node("x1")];
  const plan = run({
    nodes,
    services: [spread],
    tasks: [
      task("r1", spread, { slot: 1, nodeId: "a1", state: "RUNNING" }),
      task("r2", spread, { slot: 2, nodeId: "a1", state: "RUNNING" }),
      ...pendingTasks(spread, 4, 3),
    ],
  });
  // 6 tasks over 3 branches: 2 each; zone a has its 2 already.
  assert.equal(perZone(plan, { a1: "a", b1: "b", x1: "" }), { "": 2, b: 2 });
});

test("a zone without room leaves its share to the others", () => {
  const spread = zoned(["node.labels.zone"]);
  const nodes = [node("a1", { labels: { zone: "a" }, state: "DOWN" }), node("b1", { labels: { zone: "b" } })];
  const plan = run({ nodes, services: [spread], tasks: pendingTasks(spread, 2) });
  assert.equal(perZone(plan, { a1: "a", b1: "b" }), { b: 2 });
});

test.run();
