import { test } from "uvu";
import * as assert from "uvu/assert";
import { TaskReaper } from "../../../src/manager/orchestrator/task-reaper.ts";
import { createMemoryStore, type ReplicatedStore } from "../../../src/manager/store.ts";
import { service, task } from "./support/objects.ts";

/** A reaper fed by the store as its control loop feeds it; `settle` runs passes while one is asked for. */
function reaperOn(store: ReplicatedStore) {
  const reaper = new TaskReaper({ store });
  reaper.reset();
  let asked = true;
  store.watch((e) => {
    if (reaper.observe(e)) asked = true;
  });
  return {
    async settle() {
      for (let n = 0; asked && n < 10; n++) {
        asked = false;
        await reaper.pass();
      }
    },
  };
}

const idsOf = (store: ReplicatedStore, serviceId: string) =>
  store
    .view((tx) => tx.tasksOfService(serviceId).map((t) => t.id))
    .sort((a, b) => a.localeCompare(b, "en", { numeric: true }));

test("a slot restarted again and again keeps its last 5 tasks, as each restart arrives", async () => {
  const store = createMemoryStore();
  const web = service("web", { replicas: 2 });
  await store.update((tx) => {
    tx.putService(web);
    tx.putTask(task("b1", web, { slot: 2, state: "RUNNING", atMs: 1 }));
  });
  const reaper = reaperOn(store);
  await reaper.settle();
  // Slot 1 fails seven times, one entry per restart; slot 2 keeps running.
  for (let i = 1; i <= 8; i++) {
    await store.update((tx) => {
      const prev = tx.task(`a${i - 1}`);
      if (prev) tx.putTask({ ...prev, status: { ...prev.status!, state: "FAILED" }, desired_state: "SHUTDOWN" });
      tx.putTask(task(`a${i}`, web, { slot: 1, state: "RUNNING", atMs: i * 1000 }));
    });
    await reaper.settle();
  }
  assert.equal(
    idsOf(store, "web"),
    ["a4", "a5", "a6", "a7", "a8", "b1"],
    "the oldest failures went, the live one stays",
  );
});

test("a new leader's reaper trims the histories that grew while none ran", async () => {
  const store = createMemoryStore();
  const web = service("web");
  const all = service("all", { global: true });
  await store.update((tx) => {
    tx.putService(web);
    tx.putService(all);
    for (let i = 1; i <= 7; i++) {
      const ended = i < 7;
      tx.putTask(
        task(`a${i}`, web, {
          slot: 1,
          state: ended ? "FAILED" : "RUNNING",
          desired: ended ? "SHUTDOWN" : "RUNNING",
          atMs: i * 1000,
        }),
      );
      tx.putTask(
        task(`g${i}`, all, {
          nodeId: "n1",
          state: ended ? "FAILED" : "RUNNING",
          desired: ended ? "SHUTDOWN" : "RUNNING",
          atMs: i * 1000,
        }),
      );
      tx.putTask(task(`h${i}`, all, { nodeId: `n${i + 1}`, state: "RUNNING", atMs: i * 1000 }));
    }
  });
  await reaperOn(store).settle();
  assert.equal(idsOf(store, "web"), ["a3", "a4", "a5", "a6", "a7"]);
  assert.equal(
    idsOf(store, "all"),
    ["g3", "g4", "g5", "g6", "g7", "h1", "h2", "h3", "h4", "h5", "h6", "h7"],
    "a global service's history is per node: n1's is trimmed, one task on each other node is not",
  );
});

test.run();
