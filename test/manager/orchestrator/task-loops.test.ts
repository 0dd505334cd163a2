import { test } from "uvu";
import * as assert from "uvu/assert";
import type { AnyActorRef } from "xstate";
import { profiles } from "../../../src/config/profile.ts";
import type { Task__Output } from "../../../src/gen/docker/swarmkit/v1/Task.ts";
import { TASK_LOOP_NAMES, taskLoops } from "../../../src/manager/orchestrator/index.ts";
import { createMemoryStore, type ReplicatedStore } from "../../../src/manager/store.ts";
import { waitFor } from "../../support/wait-for.ts";
import { type NodeOpts, node, type ServiceOpts, service } from "./support/objects.ts";

/** A store twin with the five loops running as on a leader (fast profile). */
async function cluster(nodes: Record<string, NodeOpts>) {
  const store = createMemoryStore();
  await store.update((tx) => {
    for (const [id, o] of Object.entries(nodes)) tx.putNode(node(id, o));
  });
  const actors = new Map<string, AnyActorRef>();
  const loops = taskLoops({ store, profile: profiles.fast, onActor: (name, a) => actors.set(name, a) });
  for (const l of loops) l.start();
  return {
    store,
    loops,
    actors,
    stop: () => {
      for (const l of loops) l.stop();
    },
  };
}

const tasksOf = (store: ReplicatedStore, sid: string): Task__Output[] => store.view((tx) => tx.tasksOfService(sid));

const putService = (store: ReplicatedStore, id: string, o: ServiceOpts) =>
  store.update((tx) => {
    const old = tx.service(id);
    const version = Number(old?.spec_version?.index ?? "0") + 1;
    tx.putService(service(id, { ...o, specVersion: version }));
  });

const setTask = (store: ReplicatedStore, id: string, patch: (t: Task__Output) => Task__Output) =>
  store.update((tx) => {
    const t = tx.task(id);
    if (t) tx.putTask(patch(t));
  });

const agentReports = (state: Task__Output["desired_state"]) => (t: Task__Output) =>
  ({ ...t, status: { ...(t.status as NonNullable<Task__Output["status"]>), state } }) as Task__Output;

const bound = { timeoutMs: 5000 };

test("a replicated service of 3 on 2 nodes: placed 2/1, scaled to 1, moved off a drained node", async () => {
  const c = await cluster({ n1: {}, n2: {} });
  try {
    assert.equal([...c.actors.keys()], [...TASK_LOOP_NAMES]);
    await putService(c.store, "web", { replicas: 3 });
    const assigned = await waitFor(
      () => {
        const ts = tasksOf(c.store, "web");
        return ts.length === 3 && ts.every((t) => t.status?.state === "ASSIGNED") && ts;
      },
      { ...bound, what: "3 tasks ASSIGNED" },
    );
    assert.equal(assigned.map((t) => t.slot).sort(), ["1", "2", "3"]);
    assert.ok(assigned.every((t) => t.status?.message === "scheduler assigned task to node"));
    const perNode = (ts: Task__Output[]) =>
      ts.reduce((m, t) => m.set(t.node_id, (m.get(t.node_id) ?? 0) + 1), new Map<string, number>());
    assert.equal([...perNode(assigned).values()].sort(), [1, 2]);

    await putService(c.store, "web", { replicas: 1 });
    const removed = await waitFor(
      () => {
        const r = tasksOf(c.store, "web").filter((t) => t.desired_state === "REMOVE");
        return r.length === 2 && r;
      },
      { ...bound, what: "2 tasks desired REMOVE" },
    );
    const live = tasksOf(c.store, "web").filter((t) => t.desired_state === "RUNNING");
    assert.is(live.length, 1);
    assert.is(removed.length + live.length, 3);
    const keptNode = (live[0] as Task__Output).node_id;
    const other = keptNode === "n1" ? "n2" : "n1";

    await c.store.update((tx) => {
      const n = tx.node(keptNode);
      if (n?.spec) tx.putNode({ ...n, spec: { ...n.spec, availability: "DRAIN" } });
    });
    const replacement = await waitFor(
      () =>
        tasksOf(c.store, "web").find(
          (t) =>
            t.slot === (live[0] as Task__Output).slot &&
            t.id !== (live[0] as Task__Output).id &&
            t.status?.state === "ASSIGNED",
        ),
      { ...bound, what: "the drained node's task re-created and assigned elsewhere" },
    );
    assert.is(replacement.node_id, other);
    // SwarmKit's delayed start: the replacement waits at READY for the old task to stop.
    assert.is(replacement.desired_state, "READY");
    assert.is(
      c.store.view((tx) => tx.task((live[0] as Task__Output).id)?.desired_state),
      "SHUTDOWN",
    );
    await setTask(c.store, (live[0] as Task__Output).id, agentReports("SHUTDOWN"));
    await waitFor(() => c.store.view((tx) => tx.task(replacement.id)?.desired_state === "RUNNING"), {
      ...bound,
      what: "the replacement to be started once the old task stopped",
    });
  } finally {
    c.stop();
  }
});

test("no room: PENDING with SwarmKit's explanation, then ASSIGNED as soon as capacity frees, with no event of its own", async () => {
  const c = await cluster({ small: { cpus: 1 } });
  try {
    await putService(c.store, "hog", { replicas: 1, cpus: 1, restart: { condition: "NONE" } });
    const hog = await waitFor(() => tasksOf(c.store, "hog").find((t) => t.status?.state === "ASSIGNED"), {
      ...bound,
      what: "hog's task assigned",
    });
    await putService(c.store, "big", { replicas: 1, cpus: 1 });
    const pending = await waitFor(() => tasksOf(c.store, "big").find((t) => t.status?.err !== ""), {
      ...bound,
      what: "big's task explained",
    });
    assert.is(pending.status?.state, "PENDING");
    assert.is(pending.status?.message, "pending task scheduling");
    assert.is(pending.status?.err, "no suitable node (insufficient resources on 1 node)");

    // Nothing touches big's task: hog's task completes (restart NONE: no replacement) and frees the CPU.
    await setTask(c.store, hog.id, agentReports("COMPLETE"));
    const placed = await waitFor(() => tasksOf(c.store, "big").find((t) => t.status?.state === "ASSIGNED"), {
      ...bound,
      what: "big's task assigned once the CPU is free",
    });
    assert.is(placed.id, pending.id);
    assert.is(placed.node_id, "small");
    assert.is(placed.status?.err, "");
    assert.is(tasksOf(c.store, "hog").length, 1, "hog was not restarted");
  } finally {
    c.stop();
  }
});

test("a node that stops meeting a service's constraints: its task is rejected and replaced on a node that does", async () => {
  const c = await cluster({ n1: { labels: { disk: "ssd" } }, n2: { labels: { disk: "hdd" } } });
  try {
    await putService(c.store, "db", { replicas: 1, constraints: ["node.labels.disk==ssd"], restart: { delayMs: 0 } });
    const first = await waitFor(() => tasksOf(c.store, "db").find((t) => t.status?.state === "ASSIGNED"), {
      ...bound,
      what: "db's task assigned",
    });
    assert.is(first.node_id, "n1");
    // The disks are swapped.
    await c.store.update((tx) => {
      for (const [id, disk] of [
        ["n1", "hdd"],
        ["n2", "ssd"],
      ] as const) {
        const n = tx.node(id);
        if (n?.spec) tx.putNode({ ...n, spec: { ...n.spec, annotations: { name: "", labels: { disk } } } });
      }
    });
    const rejected = await waitFor(
      () => c.store.view((tx) => tx.task(first.id)?.status?.state === "REJECTED" && tx.task(first.id)),
      { ...bound, what: "the task rejected by the constraint enforcer" },
    );
    assert.is(rejected.status?.err, "assigned node no longer meets constraints");
    const moved = await waitFor(
      () => tasksOf(c.store, "db").find((t) => t.id !== first.id && t.status?.state === "ASSIGNED"),
      { ...bound, what: "its replacement assigned" },
    );
    assert.is(moved.node_id, "n2");
    assert.is(moved.slot, first.slot);
  } finally {
    c.stop();
  }
});

test("service rm: its tasks are to be removed, and deleted once they stopped or never ran", async () => {
  const c = await cluster({ n1: { cpus: 1 } });
  try {
    await putService(c.store, "web", { replicas: 2, cpus: 1 });
    const [placed, waiting] = await waitFor(
      () => {
        const ts = tasksOf(c.store, "web");
        const a = ts.find((t) => t.status?.state === "ASSIGNED");
        const p = ts.find((t) => t.status?.err !== "");
        return a && p && ([a, p] as const);
      },
      { ...bound, what: "one task placed, one waiting for room" },
    );
    await c.store.update((tx) => tx.deleteService("web"));
    await waitFor(() => !c.store.view((tx) => tx.task(waiting.id)), { ...bound, what: "the pending task deleted" });
    const removing = c.store.view((tx) => tx.task(placed.id));
    assert.is(removing?.desired_state, "REMOVE", "the placed one waits for its agent");
    await setTask(c.store, placed.id, agentReports("SHUTDOWN"));
    await waitFor(() => tasksOf(c.store, "web").length === 0, { ...bound, what: "the stopped task deleted" });
  } finally {
    c.stop();
  }
});

test("each loop is a controlLoop actor whose context shows its passes", async () => {
  const c = await cluster({ n1: {} });
  try {
    await putService(c.store, "web", { replicas: 2 });
    await waitFor(() => tasksOf(c.store, "web").filter((t) => t.status?.state === "ASSIGNED").length === 2, {
      ...bound,
      what: "2 tasks ASSIGNED",
    });
    const scheduler = c.actors.get("scheduler") as AnyActorRef;
    const ctx = await waitFor(
      () => {
        const s = scheduler.getSnapshot();
        return s.value === "idle" && s.context;
      },
      { ...bound, what: "the scheduler idle" },
    );
    assert.ok(ctx.runs >= 1);
    assert.is(ctx.lastError, "");
  } finally {
    c.stop();
  }
});

test("stopped (leadership lost), the loops write nothing; started again (a new leader), they pick everything up", async () => {
  const c = await cluster({ n1: {} });
  try {
    c.stop();
    assert.is(c.actors.get("scheduler")?.getSnapshot().status, "stopped");
    await putService(c.store, "web", { replicas: 2 });
    assert.is(tasksOf(c.store, "web").length, 0);
    // A new leader starts with a store it did not see change.
    for (const l of c.loops) l.start();
    await waitFor(() => tasksOf(c.store, "web").filter((t) => t.status?.state === "ASSIGNED").length === 2, {
      ...bound,
      what: "the new leader's loops to create and place both tasks",
    });
  } finally {
    c.stop();
  }
});

test.run();
