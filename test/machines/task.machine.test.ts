import { test } from "uvu";
import * as assert from "uvu/assert";
import { createActor, fromPromise, SimulatedClock, waitFor } from "xstate";
import {
  RETRY_DELAY_MS,
  type StartedProcess,
  type TaskStateName,
  type TaskStatus,
  taskMachine,
} from "../../machines/task.machine.ts";

type Op = "resolve" | "prepare" | "start" | "wait" | "shutdown";

interface Pending {
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
}

/** An error as the executor throws them: its text, maybe an exit code, maybe temporary. */
function opError(message: string, extra: { exitCode?: number; temporary?: boolean } = {}): Error {
  return Object.assign(new Error(message), extra);
}

/**
 * A task actor whose operations wait for the test: `t.finish("prepare")`
 * settles the pending prepare; `t.calls` lists the operations started.
 */
function start(desired: TaskStateName = "RUNNING", status?: TaskStatus) {
  const clock = new SimulatedClock();
  const reports: TaskStatus[] = [];
  const calls: Op[] = [];
  const pending = new Map<Op, Pending>();
  const op = <T>(name: Op) =>
    fromPromise<T, { taskId: string }>(
      () =>
        new Promise<T>((resolve, reject) => {
          calls.push(name);
          pending.set(name, { resolve: resolve as (v: unknown) => void, reject });
        }),
    );
  const machine = taskMachine.provide({
    actors: {
      resolve: op<void>("resolve"),
      prepare: op<void>("prepare"),
      start: op<StartedProcess>("start"),
      wait: op<void>("wait"),
      shutdown: op<void>("shutdown"),
    },
    actions: {
      reportStatus: ({ context }) => {
        reports.push({ ...context.status });
      },
    },
  });
  const actor = createActor(machine, { clock, input: { taskId: "t1", desired, status } });
  actor.start();
  const settle = async (name: Op, how: (p: Pending) => void) => {
    const p = pending.get(name);
    assert.ok(p, `${name} is not running`);
    pending.delete(name);
    const before = actor.getSnapshot();
    how(p);
    // the actor takes the operation's outcome on a later microtask
    await waitFor(actor, (s) => s !== before, { timeout: 1000 });
  };
  return {
    actor,
    clock,
    reports,
    calls,
    running: (name: Op) => pending.has(name),
    finish: (name: Op, value?: unknown) => settle(name, (p) => p.resolve(value)),
    fail: (name: Op, error: unknown) => settle(name, (p) => p.reject(error)),
    desire: (state: TaskStateName) => actor.send({ type: "DESIRED_STATE_CHANGED", desired: state }),
    value: () => actor.getSnapshot().value,
    status: () => actor.getSnapshot().context.status,
    states: () => reports.map((r) => `${r.state}:${r.message}`),
  };
}

/** Drives a task with desired RUNNING up to RUNNING with the given pid. */
async function running(pid = 4242) {
  const t = start("RUNNING");
  await t.finish("resolve");
  await t.finish("prepare");
  await t.finish("start", { pid });
  return t;
}

test("an assigned task resolves its controller before anything else, reporting nothing yet", () => {
  const t = start();
  assert.is(t.value(), "ASSIGNED");
  assert.equal(t.calls, ["resolve"]);
  assert.equal(t.reports, []);
  assert.is(t.status().state, "ASSIGNED");
});

test("resolved: ACCEPTED 'accepted', then PREPARING 'preparing' at once since desired RUNNING is above", async () => {
  const t = start();
  await t.finish("resolve");
  assert.equal(t.states(), ["ACCEPTED:accepted", "PREPARING:preparing"]);
  assert.equal(t.value(), { live: { PREPARING: "working" } });
  assert.ok(t.running("prepare"));
});

test("prepared: READY 'prepared', then STARTING 'starting' and start runs", async () => {
  const t = start();
  await t.finish("resolve");
  await t.finish("prepare");
  assert.equal(t.states().slice(2), ["READY:prepared", "STARTING:starting"]);
  assert.ok(t.running("start"));
});

test("started: RUNNING 'started' with the pid, and wait runs", async () => {
  const t = await running(777);
  assert.equal(t.value(), { live: "RUNNING" });
  assert.equal(t.reports.at(-1), { state: "RUNNING", message: "started", err: "", exitCode: 0, pid: 777 });
  assert.ok(t.running("wait"));
});

test("the program ends well: COMPLETE 'finished', a final state", async () => {
  const t = await running();
  await t.finish("wait");
  assert.is(t.value(), "COMPLETE");
  assert.equal(t.reports.at(-1), { state: "COMPLETE", message: "finished", err: "", exitCode: 0, pid: 4242 });
  assert.is(t.actor.getSnapshot().status, "done");
});

test("the whole walk reports each status once, in SwarmKit's order and words", async () => {
  const t = await running();
  await t.finish("wait");
  assert.equal(t.states(), [
    "ACCEPTED:accepted",
    "PREPARING:preparing",
    "READY:prepared",
    "STARTING:starting",
    "RUNNING:started",
    "COMPLETE:finished",
  ]);
});

test("the program exits 1: FAILED with err 'task: non-zero exit (1)' and the exit code, message kept", async () => {
  const t = await running();
  await t.fail("wait", opError("task: non-zero exit (1)", { exitCode: 1 }));
  assert.is(t.value(), "FAILED");
  assert.equal(t.reports.at(-1), {
    state: "FAILED",
    message: "started",
    err: "task: non-zero exit (1)",
    exitCode: 1,
    pid: 4242,
  });
});

test("desired READY (a replacement): prepares, then waits in READY without starting", async () => {
  const t = start("READY");
  await t.finish("resolve");
  await t.finish("prepare");
  assert.equal(t.value(), { live: "READY" });
  assert.is(t.status().state, "READY");
  assert.not.ok(t.running("start"));
  t.desire("RUNNING");
  assert.equal(t.value(), { live: { STARTING: "working" } });
  assert.equal(t.states().slice(-1), ["STARTING:starting"]);
});

test("desired ACCEPTED: the task stays ACCEPTED until desired goes above it", async () => {
  const t = start("ACCEPTED");
  await t.finish("resolve");
  assert.equal(t.value(), { live: "ACCEPTED" });
  assert.equal(t.states(), ["ACCEPTED:accepted"]);
  t.desire("READY");
  assert.equal(t.states(), ["ACCEPTED:accepted", "PREPARING:preparing"]);
});

test("a lower desired state is ignored: a READY after RUNNING does not hold the task back", async () => {
  const t = start("RUNNING");
  await t.finish("resolve");
  t.desire("READY");
  assert.is(t.actor.getSnapshot().context.desired, "RUNNING");
  await t.finish("prepare");
  assert.equal(t.value(), { live: { STARTING: "working" } });
});

test("desired SHUTDOWN while RUNNING: wait is abandoned, shutdown runs, then SHUTDOWN 'shutdown'", async () => {
  const t = await running();
  t.desire("SHUTDOWN");
  assert.is(t.value(), "SHUTTING_DOWN");
  assert.ok(t.running("shutdown"));
  assert.is(t.status().state, "RUNNING", "the status stays RUNNING while shutdown runs");
  await t.finish("shutdown");
  assert.is(t.value(), "SHUTDOWN");
  assert.equal(t.reports.at(-1), { state: "SHUTDOWN", message: "shutdown", err: "", exitCode: 0, pid: 4242 });
});

test("the abandoned wait's outcome changes nothing after shutdown", async () => {
  const t = await running();
  t.desire("SHUTDOWN");
  const waitOp = t.calls.indexOf("wait");
  assert.ok(waitOp >= 0);
  await t.finish("shutdown");
  const n = t.reports.length;
  t.actor.send({ type: "DESIRED_STATE_CHANGED", desired: "REMOVE" });
  assert.is(t.reports.length, n);
  assert.is(t.value(), "SHUTDOWN");
});

test("desired SHUTDOWN while preparing: shutdown instead of prepare's outcome", async () => {
  const t = start();
  await t.finish("resolve");
  t.desire("SHUTDOWN");
  assert.is(t.value(), "SHUTTING_DOWN");
  await t.finish("shutdown");
  assert.equal(t.states(), ["ACCEPTED:accepted", "PREPARING:preparing", "SHUTDOWN:shutdown"]);
});

test("desired REMOVE counts as ≥ SHUTDOWN: the task shuts down", async () => {
  const t = await running();
  t.desire("REMOVE");
  assert.is(t.value(), "SHUTTING_DOWN");
});

test("desired SHUTDOWN from the start: resolve, accepted, then shutdown without preparing", async () => {
  const t = start("SHUTDOWN");
  await t.finish("resolve");
  assert.is(t.value(), "SHUTTING_DOWN");
  await t.finish("shutdown");
  assert.equal(t.states(), ["ACCEPTED:accepted", "SHUTDOWN:shutdown"]);
  assert.not.ok(t.calls.includes("prepare"));
});

test("desired SHUTDOWN once COMPLETE is a no-op: nothing runs, nothing is reported", async () => {
  const t = await running();
  await t.finish("wait");
  const n = t.reports.length;
  t.desire("SHUTDOWN");
  assert.is(t.value(), "COMPLETE");
  assert.is(t.reports.length, n);
  assert.not.ok(t.calls.includes("shutdown"));
});

test("a fatal prepare error rejects the task: REJECTED with the error's text", async () => {
  const t = start();
  await t.finish("resolve");
  await t.fail("prepare", opError('exec: "nosuch": executable file not found in $PATH (ENOENT)'));
  assert.is(t.value(), "REJECTED");
  assert.equal(t.reports.at(-1), {
    state: "REJECTED",
    message: "preparing",
    err: 'exec: "nosuch": executable file not found in $PATH (ENOENT)',
    exitCode: 0,
    pid: 0,
  });
});

test("a fatal start error fails the task (from STARTING on, it is FAILED)", async () => {
  const t = start();
  await t.finish("resolve");
  await t.finish("prepare");
  await t.fail("start", opError("spawn /bin/x EACCES"));
  assert.is(t.value(), "FAILED");
  assert.equal(t.states().slice(-1), ["FAILED:starting"]);
  assert.is(t.status().err, "spawn /bin/x EACCES");
});

test("a failed resolve: REJECTED 'resolving controller failed' with the error", async () => {
  const t = start();
  await t.fail("resolve", opError("unsupported runtime"));
  assert.is(t.value(), "REJECTED");
  assert.equal(t.states(), ["REJECTED:resolving controller failed"]);
  assert.is(t.status().err, "unsupported runtime");
});

test("a failed shutdown of a running task: FAILED with its error", async () => {
  const t = await running();
  t.desire("SHUTDOWN");
  await t.fail("shutdown", opError("kill: operation not permitted"));
  assert.is(t.value(), "FAILED");
  assert.is(t.status().err, "kill: operation not permitted");
});

test("a failed shutdown before starting: REJECTED", async () => {
  const t = start("READY");
  await t.finish("resolve");
  await t.finish("prepare");
  t.desire("SHUTDOWN");
  await t.fail("shutdown", opError("boom"));
  assert.is(t.value(), "REJECTED");
});

test("a temporary prepare error keeps PREPARING, reports the err, and retries after 1 s", async () => {
  const t = start();
  await t.finish("resolve");
  await t.fail("prepare", opError("registry unreachable", { temporary: true }));
  assert.equal(t.value(), { live: { PREPARING: "retrying" } });
  assert.equal(t.reports.at(-1), {
    state: "PREPARING",
    message: "preparing",
    err: "registry unreachable",
    exitCode: 0,
    pid: 0,
  });
  t.clock.increment(RETRY_DELAY_MS - 1);
  assert.not.ok(t.running("prepare"));
  t.clock.increment(1);
  assert.ok(t.running("prepare"));
  await t.finish("prepare");
  assert.equal(t.reports.at(-2), { state: "READY", message: "prepared", err: "", exitCode: 0, pid: 0 });
});

test("a temporary start error retries start after 1 s; shutdown during the wait still wins", async () => {
  const t = start();
  await t.finish("resolve");
  await t.finish("prepare");
  await t.fail("start", opError("busy", { temporary: true }));
  assert.equal(t.value(), { live: { STARTING: "retrying" } });
  t.desire("SHUTDOWN");
  t.clock.increment(RETRY_DELAY_MS);
  assert.is(t.value(), "SHUTTING_DOWN");
  assert.is(t.calls.filter((c) => c === "start").length, 1);
});

const lastStatus = (state: TaskStateName, message: string): TaskStatus => ({
  state,
  message,
  err: "",
  exitCode: 0,
  pid: 99,
});

test("after an agent restart, a RUNNING task resumes waiting on its process, reporting nothing again", async () => {
  const t = start("RUNNING", lastStatus("RUNNING", "started"));
  await t.finish("resolve");
  assert.equal(t.value(), { live: "RUNNING" });
  assert.equal(t.calls, ["resolve", "wait"]);
  assert.equal(t.reports, []);
  await t.fail(
    "wait",
    opError("task: exit status unknown: process 99 ended while the agent was not its parent", { exitCode: -1 }),
  );
  assert.equal(t.reports, [
    {
      state: "FAILED",
      message: "started",
      err: "task: exit status unknown: process 99 ended while the agent was not its parent",
      exitCode: -1,
      pid: 99,
    },
  ]);
});

test("after a restart, a READY task waits in READY; a PREPARING one prepares again", async () => {
  const ready = start("READY", lastStatus("READY", "prepared"));
  await ready.finish("resolve");
  assert.equal(ready.value(), { live: "READY" });
  const preparing = start("RUNNING", lastStatus("PREPARING", "preparing"));
  await preparing.finish("resolve");
  assert.ok(preparing.running("prepare"));
  assert.equal(preparing.reports, []);
});

test("after a restart, an ended task stays ended, even if its controller cannot be had", async () => {
  const done = start("RUNNING", lastStatus("COMPLETE", "finished"));
  await done.finish("resolve");
  assert.is(done.value(), "COMPLETE");
  const failed = start("RUNNING", lastStatus("FAILED", "started"));
  await failed.fail("resolve", opError("gone"));
  assert.is(failed.value(), "FAILED");
  assert.equal(failed.reports, []);
});

test("a failed resolve of a task that was RUNNING fails it (Resolve: up to RUNNING, FAILED)", async () => {
  const t = start("RUNNING", lastStatus("RUNNING", "started"));
  await t.fail("resolve", opError("bad spec"));
  assert.is(t.value(), "FAILED");
  assert.equal(t.states(), ["FAILED:resolving controller failed"]);
});

test.run();
