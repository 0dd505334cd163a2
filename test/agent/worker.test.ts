import { test } from "uvu";
import * as assert from "uvu/assert";
import { type TaskHandle, Worker } from "../../src/agent/worker.ts";
import type { AssignmentsMessage__Output } from "../../src/gen/docker/swarmkit/v1/AssignmentsMessage.ts";
import type { Task__Output } from "../../src/gen/docker/swarmkit/v1/Task.ts";
import { silentLog } from "../../src/log.ts";

const task = (id: string, desired = "RUNNING") => ({ id, desired_state: desired }) as unknown as Task__Output;
const msg = (
  type: "COMPLETE" | "INCREMENTAL",
  changes: [Task__Output, "UPDATE" | "REMOVE"][],
): AssignmentsMessage__Output =>
  ({
    type,
    applies_to: "",
    results_in: "",
    changes: changes.map(([t, action]) => ({ assignment: { task: t, item: "task" }, action })),
  }) as unknown as AssignmentsMessage__Output;

function recorder() {
  const log: string[] = [];
  const factory = (t: Task__Output): TaskHandle => {
    log.push(`new ${t.id} ${t.desired_state}`);
    return {
      update: (u) => log.push(`update ${u.id} ${u.desired_state}`),
      remove: async () => {
        log.push(`remove ${t.id}`);
      },
      stop: async () => {
        log.push(`stop ${t.id}`);
      },
    };
  };
  return { log, worker: new Worker(factory, silentLog) };
}

test("COMPLETE is the whole set: new tasks start, held ones are updated, missing ones are removed", async () => {
  const { log, worker } = recorder();
  worker.apply(
    msg("COMPLETE", [
      [task("a"), "UPDATE"],
      [task("b"), "UPDATE"],
    ]),
  );
  worker.apply(
    msg("COMPLETE", [
      [task("b", "SHUTDOWN"), "UPDATE"],
      [task("c"), "UPDATE"],
    ]),
  );
  assert.equal(log, ["new a RUNNING", "new b RUNNING", "update b SHUTDOWN", "new c RUNNING", "remove a"]);
  assert.equal(worker.taskIds().sort(), ["b", "c"]);
});

test("INCREMENTAL changes one task at a time; stop shuts down every task still held", async () => {
  const { log, worker } = recorder();
  worker.apply(
    msg("INCREMENTAL", [
      [task("a"), "UPDATE"],
      [task("b"), "UPDATE"],
    ]),
  );
  worker.apply(msg("INCREMENTAL", [[{ id: "a" } as Task__Output, "REMOVE"]]));
  await worker.stop();
  assert.equal(log, ["new a RUNNING", "new b RUNNING", "remove a", "stop b"]);
  // A stopped worker takes no more assignments.
  worker.apply(msg("INCREMENTAL", [[task("c"), "UPDATE"]]));
  assert.equal(worker.taskIds(), []);
});

test.run();
