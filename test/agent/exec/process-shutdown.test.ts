import { existsSync } from "node:fs";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { processGroupMembers } from "../../../src/agent/exec/proc-stat.ts";
import type { TaskExitError } from "../../../src/agent/exec/task-controller.ts";
import { readTaskLogs } from "../../../src/agent/exec/task-logs.ts";
import { rejection } from "../../support/caught.ts";
import { waitFor } from "../../support/wait-for.ts";
import { isRunning, stdoutHas, useTasksDir } from "./support/task-dir.ts";

const tasks = useTasksDir(test);

/** A program that ends on SIGTERM by itself, saying so. */
const GRACEFUL = [
  "-e",
  "process.on('SIGTERM', () => { console.log('bye'); process.exit(0) }); console.log('ready'); setInterval(() => {}, 1000)",
];

test("shutdown of a program that handles SIGTERM: it ends within the grace period, by itself", async () => {
  const c = tasks.controller("graceful", { image: process.execPath, args: GRACEFUL, stopGracePeriodMs: 20_000 });
  await c.prepare();
  const { pid } = await c.start();
  await stdoutHas(c, "ready");
  const t0 = Date.now();
  await c.shutdown();
  assert.ok(Date.now() - t0 < 10_000, "ended long before SIGKILL would come");
  assert.not.ok(await isRunning(pid));
  assert.equal(
    (await readTaskLogs(c.taskDir, { streams: ["stdout"] })).map((l) => l.line),
    ["ready", "bye"],
  );
  await c.wait(); // it exited 0
});

test("the stop signal is the spec's: SIGINT reaches a program that only handles SIGINT", async () => {
  const c = tasks.controller("sigint", {
    image: process.execPath,
    args: [
      "-e",
      "process.on('SIGINT', () => { console.log('int'); process.exit(0) }); console.log('ready'); setInterval(() => {}, 1000)",
    ],
    stopSignal: "SIGINT",
    stopGracePeriodMs: 20_000,
  });
  await c.prepare();
  await c.start();
  await stdoutHas(c, "ready");
  await c.shutdown();
  assert.equal(
    (await readTaskLogs(c.taskDir, { streams: ["stdout"] })).map((l) => l.line),
    ["ready", "int"],
  );
});

test("a program that ignores SIGTERM is SIGKILLed after the grace period: exit 137", async () => {
  const c = tasks.controller("stubborn", {
    image: "sh",
    args: ["-c", "trap '' TERM; echo ready; while :; do sleep 1; done"],
    stopGracePeriodMs: 300,
  });
  await c.prepare();
  const { pid } = await c.start();
  await stdoutHas(c, "ready");
  const t0 = Date.now();
  await c.shutdown();
  const took = Date.now() - t0;
  assert.ok(took >= 290, `SIGKILL came after ${took} ms, before the grace period`);
  assert.ok(took < 5000, `shutdown took ${took} ms`);
  assert.not.ok(await isRunning(pid));
  const e = (await rejection(() => c.wait())) as TaskExitError;
  assert.is(e.message, "task: non-zero exit (137)");
});

test("shutdown reaches the program's children: no process of its group remains", async () => {
  const c = tasks.controller("tree", {
    image: "sh",
    args: ["-c", "sleep 1000 & echo child $!; wait"],
    stopGracePeriodMs: 2000,
  });
  await c.prepare();
  const { pid } = await c.start();
  const out = await stdoutHas(c, "child ");
  const childPid = Number(/child (\d+)/.exec(out)?.[1]);
  assert.ok(await isRunning(childPid), "the task's child runs");
  assert.equal((await processGroupMembers(pid)).sort(), [pid, childPid].sort());
  await c.shutdown();
  await waitFor(async () => (await processGroupMembers(pid)).length === 0, {
    timeoutMs: 5000,
    what: "the task's process group to be empty",
  });
  assert.not.ok(await isRunning(childPid));
});

test("a program that ends by itself takes its leftover children with it, as a container", async () => {
  const c = tasks.controller("leftover", { image: "sh", args: ["-c", "sleep 1000 & echo child $!"] });
  await c.prepare();
  const { pid } = await c.start();
  const out = await stdoutHas(c, "child ");
  const childPid = Number(/child (\d+)/.exec(out)?.[1]);
  await c.wait();
  await waitFor(async () => !(await isRunning(childPid)) && (await processGroupMembers(pid)).length === 0, {
    timeoutMs: 5000,
    what: "the background sleep to end with its task",
  });
});

test("terminate kills at once, whatever the program handles", async () => {
  const c = tasks.controller("terminate", { image: process.execPath, args: GRACEFUL, stopGracePeriodMs: 60_000 });
  await c.prepare();
  const { pid } = await c.start();
  await stdoutHas(c, "ready");
  await c.terminate();
  assert.not.ok(await isRunning(pid));
  assert.equal(
    (await readTaskLogs(c.taskDir, { streams: ["stdout"] })).map((l) => l.line),
    ["ready"],
  );
});

test("shutdown before start, and after the end, does nothing and succeeds", async () => {
  const c = tasks.controller("idle", { image: "true" });
  await c.prepare();
  await c.shutdown();
  await c.start();
  await c.wait();
  await c.shutdown();
});

test("shutdown while the program is being started waits for it, then stops it: nothing is left running", async () => {
  const c = tasks.controller("racing", { image: "sleep", args: ["1000"] });
  await c.prepare();
  const started = c.start();
  await c.shutdown();
  const { pid } = await started;
  assert.not.ok(await isRunning(pid));
  assert.equal(await processGroupMembers(pid), []);
});

test("remove ends the program and deletes its files", async () => {
  const c = tasks.controller("removed", { image: "sleep", args: ["1000"] });
  await c.prepare();
  const { pid } = await c.start();
  assert.ok(existsSync(c.taskDir));
  await c.remove();
  assert.not.ok(await isRunning(pid));
  assert.not.ok(existsSync(c.taskDir));
});

test.run();
