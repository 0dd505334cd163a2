import { existsSync } from "node:fs";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import type { TaskStatus } from "../../../machines/task.machine.ts";
import { processGroupMembers } from "../../../src/agent/exec/proc-stat.ts";
import { TaskRunner } from "../../../src/agent/exec/task-runner.ts";
import { waitFor } from "../../support/wait-for.ts";
import { isRunning, useTasksDir } from "./support/task-dir.ts";

const tasks = useTasksDir(test);

/** A runner on the suite's tasks directory that records every report. */
function runner() {
  const reports: { taskId: string; status: TaskStatus }[] = [];
  const actors: string[] = [];
  const r = new TaskRunner({
    tasksDir: tasks.dir,
    report: (taskId, status) => reports.push({ taskId, status }),
    onActor: (name) => actors.push(name),
  });
  const of = (taskId: string) => reports.filter((x) => x.taskId === taskId).map((x) => x.status);
  const until = (taskId: string, state: string) =>
    waitFor(() => of(taskId).find((s) => s.state === state), { timeoutMs: 10_000, what: `${taskId} ${state}` });
  return { r, reports, actors, of, until };
}

test("a real program: RUNNING, then desired SHUTDOWN → SHUTDOWN, and its process is gone", async () => {
  const t = runner();
  t.r.assign({ id: "web1", spec: { image: "sleep", args: ["1000"] }, desired: "RUNNING" });
  assert.equal(t.actors, ["task-web1"]);
  const running = await t.until("web1", "RUNNING");
  assert.ok(running.pid > 0 && (await isRunning(running.pid)));
  t.r.setDesired("web1", "SHUTDOWN");
  const down = await t.until("web1", "SHUTDOWN");
  assert.equal(down, { state: "SHUTDOWN", message: "shutdown", err: "", exitCode: 0, pid: running.pid });
  assert.not.ok(await isRunning(running.pid));
  assert.equal(
    t.of("web1").map((s) => s.state),
    ["ACCEPTED", "PREPARING", "READY", "STARTING", "RUNNING", "SHUTDOWN"],
  );
  t.r.close();
});

test("a program exiting 1: FAILED with 'task: non-zero exit (1)'", async () => {
  const t = runner();
  t.r.assign({ id: "bad1", spec: { image: "sh", args: ["-c", "echo oops >&2; exit 1"] }, desired: "RUNNING" });
  const failed = await t.until("bad1", "FAILED");
  assert.is(failed.err, "task: non-zero exit (1)");
  assert.is(failed.exitCode, 1);
  assert.equal(await t.r.logs("bad1"), [{ stream: "stderr", line: "oops" }]);
  t.r.close();
});

test("a program that cannot start: REJECTED with the OS error", async () => {
  const t = runner();
  t.r.assign({ id: "nosuch1", spec: { image: "swarmbus-no-such-program" }, desired: "RUNNING" });
  const rejected = await t.until("nosuch1", "REJECTED");
  assert.is(rejected.err, 'exec: "swarmbus-no-such-program": executable file not found in $PATH');
  assert.is(rejected.message, "preparing");
  t.r.close();
});

test("a restarted agent takes its running task back: no second process, and shutdown still works", async () => {
  const spec = { image: "sh", args: ["-c", "sleep 1000 & wait"] };
  const first = runner();
  first.r.assign({ id: "keep1", spec, desired: "RUNNING" });
  const running = await first.until("keep1", "RUNNING");
  first.r.close(); // the agent stops; the program does not
  assert.ok(await isRunning(running.pid));

  const second = runner();
  second.r.assign({ id: "keep1", spec, desired: "RUNNING", status: running });
  await waitFor(() => second.r.actorOf("keep1")?.getSnapshot().matches({ live: "RUNNING" }), {
    timeoutMs: 5000,
    what: "the task back in RUNNING",
  });
  assert.equal(second.reports, [], "nothing reported again");
  assert.is((await processGroupMembers(running.pid)).length, 2, "the program and its child, once");
  second.r.setDesired("keep1", "SHUTDOWN");
  await second.until("keep1", "SHUTDOWN");
  await waitFor(async () => (await processGroupMembers(running.pid)).length === 0, {
    timeoutMs: 5000,
    what: "the task's group to be empty",
  });
  second.r.close();
});

test("remove: the program is stopped and the task's files deleted", async () => {
  const t = runner();
  t.r.assign({ id: "gone1", spec: { image: "sleep", args: ["1000"] }, desired: "RUNNING" });
  const running = await t.until("gone1", "RUNNING");
  assert.ok(existsSync(join(tasks.dir, "gone1")));
  await t.r.remove("gone1");
  assert.not.ok(await isRunning(running.pid));
  assert.not.ok(existsSync(join(tasks.dir, "gone1")));
  assert.equal(t.r.taskIds(), []);
});

test("a lower desired state is ignored: a task asked to shut down stays shut down", async () => {
  const t = runner();
  t.r.assign({ id: "low1", spec: { image: "sleep", args: ["1000"] }, desired: "RUNNING" });
  await t.until("low1", "RUNNING");
  t.r.assign({ id: "low1", spec: { image: "sleep", args: ["1000"] }, desired: "SHUTDOWN" });
  await t.until("low1", "SHUTDOWN");
  t.r.setDesired("low1", "RUNNING");
  assert.is(t.r.status("low1")?.state, "SHUTDOWN");
  t.r.close();
});

test.run();
