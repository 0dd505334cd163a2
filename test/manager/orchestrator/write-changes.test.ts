import { test } from "uvu";
import * as assert from "uvu/assert";
import { TaskPlan } from "../../../src/manager/control-loop/task-changes.ts";
import { MAX_CHANGES_PER_TRANSACTION, writeChanges } from "../../../src/manager/control-loop/write-changes.ts";
import { newTask } from "../../../src/manager/orchestrator/task.ts";
import { createMemoryStore } from "../../../src/manager/store.ts";
import { taskStateOrder } from "../../../src/manager/task-state.ts";
import { service } from "./support/objects.ts";

test("a pass's changes are written in transactions of at most 200", async () => {
  const store = createMemoryStore();
  const web = service("web");
  const plan = new TaskPlan();
  for (let i = 1; i <= 450; i++) plan.create(newTask(web, { slot: i }, `t${i}`, 0));
  let entries = 0;
  const update = store.update.bind(store);
  store.update = (fn) => {
    entries++;
    return update(fn);
  };
  assert.is(await writeChanges(store, plan.changes()), 450);
  assert.is(entries, Math.ceil(450 / MAX_CHANGES_PER_TRANSACTION));
  assert.is(
    store.view((tx) => tx.tasks().length),
    450,
  );
});

test("an update decided on a task that changed since is dropped", async () => {
  const store = createMemoryStore();
  const web = service("web");
  const stored = await store.update((tx) => tx.putTask(newTask(web, { slot: 1 }, "t1", 0)));
  const plan = new TaskPlan();
  plan.desire(stored, "SHUTDOWN", taskStateOrder);
  // Meanwhile someone else writes the task.
  await store.update((tx) => tx.putTask({ ...stored, desired_state: "REMOVE" }));
  assert.is(await writeChanges(store, plan.changes()), 0);
  assert.is(
    store.view((tx) => tx.task("t1")?.desired_state),
    "REMOVE",
  );
});

test.run();
