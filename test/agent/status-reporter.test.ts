import { test } from "uvu";
import * as assert from "uvu/assert";
import { StatusReporter, type TaskStatusUpdate } from "../../src/agent/status-reporter.ts";
import type { TaskStatus } from "../../src/gen/docker/swarmkit/v1/TaskStatus.ts";
import { waitFor } from "../support/wait-for.ts";

const status = (state: TaskStatus["state"]): TaskStatus => ({ state, message: String(state).toLowerCase() });
const states = (b: TaskStatusUpdate[]) => b.map((u) => `${u.taskId}:${u.status.state}`);

test("one call at a time; what is reported meanwhile goes in the next call, latest status per task", async () => {
  const calls: TaskStatusUpdate[][] = [];
  let release: () => void = () => {};
  const reporter = new StatusReporter((b) => {
    calls.push(b);
    return new Promise<void>((r) => {
      release = r;
    });
  }, 10);
  reporter.report("t1", status("ACCEPTED"));
  reporter.report("t1", status("PREPARING"));
  reporter.report("t2", status("ACCEPTED"));
  reporter.report("t1", status("READY"));
  assert.equal(calls.map(states), [["t1:ACCEPTED"]]);
  release();
  await waitFor(() => calls.length === 2, { timeoutMs: 1000, what: "the second call" });
  assert.equal(states(calls[1]!), ["t1:READY", "t2:ACCEPTED"]);
  release();
  await waitFor(() => reporter.waiting() === 0, { timeoutMs: 1000, what: "every status taken" });
  reporter.stop();
});

test("a failed call is retried with the latest status until the manager takes it", async () => {
  const calls: TaskStatusUpdate[][] = [];
  let fail = 2;
  const reporter = new StatusReporter(async (b) => {
    calls.push(b);
    if (fail-- > 0) throw new Error("no session");
  }, 5);
  reporter.report("t1", status("STARTING"));
  await waitFor(() => calls.length === 1, { timeoutMs: 1000, what: "the first call" });
  reporter.report("t1", status("RUNNING"));
  await waitFor(() => reporter.waiting() === 0, { timeoutMs: 2000, what: "the status taken" });
  assert.equal(states(calls.at(-1)!), ["t1:RUNNING"]);
  assert.is(calls.length, 3);
  reporter.stop();
});

test.run();
