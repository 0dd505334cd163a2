import { spawn } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { processGroupMembers, readProcStat } from "../../../src/agent/exec/proc-stat.ts";
import { specHash } from "../../../src/agent/exec/process-spec.ts";
import { reapTasks } from "../../../src/agent/exec/reap-tasks.ts";
import { EXIT_CODE_UNKNOWN, type TaskExitError } from "../../../src/agent/exec/task-controller.ts";
import { rejection } from "../../support/caught.ts";
import { isRunning, stdoutHas, useTasksDir } from "./support/task-dir.ts";

const tasks = useTasksDir(test);
const SLEEPER = { image: "sleep", args: ["1000"], stopGracePeriodMs: 2000 };

test("the record holds the pid and its start time from /proc, written whole", async () => {
  const c = tasks.controller("record", SLEEPER);
  await c.prepare();
  const { pid } = await c.start();
  const record = JSON.parse(readFileSync(join(c.taskDir, "process.json"), "utf8"));
  assert.is(record.pid, pid);
  assert.is(record.taskId, "record");
  assert.is(record.startTime, (await readProcStat(pid))?.startTime);
  await c.terminate();
});

test("a restarted agent (a new controller on the same directory) finds the running process and does not start another", async () => {
  const before = tasks.controller("survivor", SLEEPER);
  await before.prepare();
  const { pid } = await before.start();
  before.close();

  const after = tasks.controller("survivor", SLEEPER);
  assert.equal(await after.adopt(), { found: "running", pid });
  await after.prepare();
  assert.equal(await after.start(), { pid }, "start finds it started");
  assert.equal(await processGroupMembers(pid), [pid]);
});

test("the adopted process is shut down like a child; its exit code is unknown and said so", async () => {
  const after = tasks.controller("survivor", SLEEPER);
  const found = await after.adopt();
  assert.is(found.found, "running");
  const waiting = rejection(() => after.wait());
  await after.shutdown();
  assert.not.ok(await isRunning(found.pid as number));
  const e = (await waiting) as TaskExitError;
  assert.is(e.exitCode, EXIT_CODE_UNKNOWN);
  assert.is(e.message, `task: exit status unknown: process ${found.pid} ended while the agent was not its parent`);
});

test("a process that ended while the agent was down is found gone, and wait reports it", async () => {
  const before = tasks.controller("ended", { image: "sh", args: ["-c", "exit 3"] });
  await before.prepare();
  const { pid } = await before.start();
  await rejection(() => before.wait());
  const after = tasks.controller("ended", { image: "sh", args: ["-c", "exit 3"] });
  assert.equal(await after.adopt(), { found: "gone", pid, reason: `process ${pid} ended while the agent was down` });
  const e = (await rejection(() => after.wait())) as TaskExitError;
  assert.is(e.exitCode, EXIT_CODE_UNKNOWN);
});

test("a reused pid is not taken for the task: another start time means gone", async () => {
  const c = tasks.controller("reused", SLEEPER);
  await c.prepare();
  // a live process that is not the task's holds the pid the record names
  const stranger = spawn("sleep", ["1000"], { detached: true, stdio: "ignore" });
  const pid = stranger.pid as number;
  try {
    const record = { taskId: "reused", pid, startTime: "1", specHash: specHash(SLEEPER), startedAt: "" };
    writeFileSync(join(c.taskDir, "process.json"), JSON.stringify(record));
    assert.equal(await tasks.controller("reused", SLEEPER).adopt(), {
      found: "gone",
      pid,
      reason: `process ${pid} ended while the agent was down`,
    });
    assert.ok(await isRunning(pid), "the stranger was left alone");
    // the same record with the process's own start time is taken
    const own = { ...record, startTime: (await readProcStat(pid))?.startTime };
    writeFileSync(join(c.taskDir, "process.json"), JSON.stringify(own));
    const adopter = tasks.controller("reused", SLEEPER);
    assert.equal(await adopter.adopt(), { found: "running", pid });
    adopter.close();
  } finally {
    stranger.kill("SIGKILL");
  }
});

test("a record of another spec is not the task's process", async () => {
  const before = tasks.controller("respec", SLEEPER);
  await before.prepare();
  const { pid } = await before.start();
  const other = tasks.controller("respec", { ...SLEEPER, args: ["999"] });
  assert.equal(await other.adopt(), { found: "gone", pid: null, reason: "the record is of another spec" });
  await before.terminate();
  assert.not.ok(await isRunning(pid));
});

test("a task never started: nothing to adopt", async () => {
  const c = tasks.controller("never", SLEEPER);
  assert.equal(await c.adopt(), { found: "gone", pid: null, reason: "no process was started" });
});

test("reapTasks ends every recorded group: the polite ones by the signal, the stubborn ones by SIGKILL", async () => {
  const polite = tasks.controller("polite", { image: "sleep", args: ["1000"] });
  const stubborn = tasks.controller("stubborn", {
    image: "sh",
    args: ["-c", "trap '' TERM; sleep 1000 & echo ready; wait"],
  });
  for (const c of [polite, stubborn]) await c.prepare();
  const p1 = (await polite.start()).pid;
  const p2 = (await stubborn.start()).pid;
  await stdoutHas(stubborn, "ready");
  const reaped = await reapTasks(tasks.dir, { graceMs: 300 });
  const byTask = Object.fromEntries(reaped.map((r) => [r.taskId, r.how]));
  assert.is(byTask.polite, "signal");
  assert.is(byTask.stubborn, "killed");
  for (const pid of [p1, p2]) {
    assert.not.ok(await isRunning(pid));
    assert.equal(await processGroupMembers(pid), []);
  }
});

test.run();
