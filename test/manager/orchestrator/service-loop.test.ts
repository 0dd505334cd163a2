import { test } from "uvu";
import * as assert from "uvu/assert";
import { profiles } from "../../../src/config/profile.ts";
import type { Task__Output } from "../../../src/gen/docker/swarmkit/v1/Task.ts";
import { replicatedOrchestrator } from "../../../src/manager/orchestrator/orchestrators.ts";
import { createMemoryStore, type StoreEvent } from "../../../src/manager/store.ts";
import { node, service, task } from "./support/objects.ts";

const timing = {
  restartDelayDefaultMs: profiles.fast.restartDelayDefaultMs,
  restartOldTaskTimeoutMs: profiles.fast.restartOldTaskTimeoutMs,
};

/** A replicated orchestrator's shell over a store with one service of 2 on n1 (ACTIVE) and n2 (drained). */
async function loop() {
  const store = createMemoryStore();
  const web = service("web", { replicas: 2 });
  await store.update((tx) => {
    tx.putNode(node("n1"));
    tx.putNode(node("n2", { availability: "DRAIN" }));
    tx.putService(web);
  });
  const orchestrator = replicatedOrchestrator({ store, timing });
  orchestrator.reset();
  await orchestrator.pass();
  /** Whether this one change, alone, asks for a pass. */
  const asks = (t: Task__Output, action: "create" | "update" | "delete" = "update"): boolean => {
    orchestrator.reset();
    const e: StoreEvent = { kind: "task", action, task: t };
    return orchestrator.observe(e);
  };
  return { web, asks };
}

test("status reports of a task wanted RUNNING, up to RUNNING on a valid node, ask the orchestrator for no pass", async () => {
  const { web, asks } = await loop();
  for (const state of ["PENDING", "ASSIGNED", "ACCEPTED", "PREPARING", "READY", "STARTING", "RUNNING"] as const) {
    const t = task("a", web, { slot: 1, nodeId: state === "PENDING" ? "" : "n1", state });
    assert.is(asks(t), false, state);
  }
  assert.is(asks(task("b", web, { state: "PENDING" }), "create"), false, "created PENDING");
});

test("a task that ended, sits on a drained node, is not wanted RUNNING, or is deleted asks for a pass", async () => {
  const { web, asks } = await loop();
  assert.ok(asks(task("a", web, { slot: 1, nodeId: "n1", state: "FAILED" })), "FAILED");
  assert.ok(asks(task("b", web, { slot: 1, nodeId: "n1", state: "COMPLETE" })), "COMPLETE");
  assert.ok(asks(task("c", web, { slot: 1, nodeId: "n2", state: "RUNNING" })), "drained");
  assert.ok(asks(task("d", web, { slot: 1, nodeId: "gone", state: "ASSIGNED" })), "gone");
  const stopping = task("e", web, { slot: 1, nodeId: "n1", state: "RUNNING", desired: "SHUTDOWN" });
  assert.ok(asks(stopping), "desired SHUTDOWN");
  const waiting = task("f", web, { slot: 1, nodeId: "n1", state: "ASSIGNED", desired: "READY" });
  assert.ok(asks(waiting), "desired READY");
  const running = task("g", web, { slot: 2, nodeId: "n1", state: "RUNNING" });
  assert.ok(asks(running, "delete"), "deleted");
});

test("a new service's tasks are written PENDING in the orchestrator's entry: no NEW → PENDING entry of the allocator", async () => {
  const store = createMemoryStore();
  await store.update((tx) => tx.putService(service("web", { replicas: 3 })));
  const created: Task__Output[] = [];
  store.watch((e) => {
    if (e.kind === "task") created.push(e.task);
  });
  const orchestrator = replicatedOrchestrator({ store, timing });
  orchestrator.reset();
  assert.is((await orchestrator.pass()).changes, 3);
  assert.equal(
    created.map((t) => [t.slot, t.status?.state, t.status?.message, t.desired_state]),
    [
      ["1", "PENDING", "pending task scheduling", "RUNNING"],
      ["2", "PENDING", "pending task scheduling", "RUNNING"],
      ["3", "PENDING", "pending task scheduling", "RUNNING"],
    ],
  );
});

test.run();
