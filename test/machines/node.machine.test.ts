import { test } from "uvu";
import * as assert from "uvu/assert";
import { type AnyActorLogic, createActor, fromPromise, SimulatedClock, type StateValue } from "xstate";
import { nodeMachine } from "../../machines/node.machine.ts";

interface Deferred {
  resolve(v: unknown): void;
  reject(e: unknown): void;
}

const visited = new Set<string>();

function paths(value: StateValue, prefix = ""): string[] {
  if (typeof value === "string") return [`${prefix}${value}`];
  return Object.entries(value).flatMap(([k, v]) => [`${prefix}${k}`, ...paths(v as StateValue, `${prefix}${k}.`)]);
}

const flush = () => new Promise<void>((r) => setImmediate(r));

function harness() {
  const calls: string[] = [];
  const pending = new Map<string, Deferred[]>();
  const controlled = (name: string): AnyActorLogic =>
    fromPromise(({ input }: { input: unknown }) => {
      calls.push(input === undefined ? name : `${name}(${JSON.stringify(input)})`);
      return new Promise((resolve, reject) => {
        const list = pending.get(name) ?? [];
        list.push({ resolve, reject });
        pending.set(name, list);
      });
    });
  const record = (name: string) => () => {
    calls.push(name);
  };
  const machine = nodeMachine.provide({
    actors: {
      startNode: controlled("startNode"),
      startManager: controlled("startManager"),
      stopManager: controlled("stopManager"),
      stopNode: controlled("stopNode"),
      leaveSwarm: controlled("leaveSwarm"),
    },
    actions: {
      startAgent: record("startAgent"),
      announceStarting: record("announceStarting"),
      announceReady: record("announceReady"),
      announceExit: record("announceExit"),
      announceRestart: record("announceRestart"),
      announceInactive: record("announceInactive"),
      reportStartFailure: record("reportStartFailure"),
      leftSwarm: record("leftSwarm"),
      reportLeaveFailure: record("reportLeaveFailure"),
      logManagerStopping: record("logManagerStopping"),
    },
  });
  const clock = new SimulatedClock();
  const actor = createActor(machine, { input: { reconnectDelayInitialMs: 100, reconnectDelayMaxMs: 30_000 }, clock });
  actor.subscribe((s) => {
    for (const p of paths(s.value)) visited.add(p);
  });
  actor.start();
  const settle = async (name: string, ok: boolean, value?: unknown) => {
    const d = pending.get(name)?.shift();
    assert.ok(d, `no pending ${name}`);
    if (ok) d.resolve(value);
    else d.reject(value);
    await flush();
  };
  return {
    actor,
    clock,
    calls,
    state: () => actor.getSnapshot(),
    resolve: (name: string, value?: unknown) => settle(name, true, value),
    reject: (name: string, message: string) => settle(name, false, new Error(message)),
  };
}

async function readyWorker() {
  const h = harness();
  h.actor.send({ type: "START", mode: "join" });
  await h.resolve("startNode", { role: "worker" });
  h.actor.send({ type: "AGENT_READY" });
  return h;
}

async function readyManager() {
  const h = harness();
  h.actor.send({ type: "START", mode: "init" });
  await h.resolve("startNode", { role: "manager" });
  h.actor.send({ type: "AGENT_READY" });
  await h.resolve("startManager");
  return h;
}

test("a new node is inactive", () => {
  const h = harness();
  assert.is(h.state().value, "inactive");
  assert.equal(h.calls, ["announceInactive"]);
});

test("init: starts the node, the agent and the manager; ready only once both are", async () => {
  const h = harness();
  h.actor.send({ type: "START", mode: "init" });
  assert.is(h.state().value, "starting");
  assert.ok(h.calls.includes('startNode({"mode":"init"})'));
  await h.resolve("startNode", { role: "manager" });
  assert.equal(h.state().value, {
    running: { agent: "connecting", manager: "starting", readiness: "waiting" },
  });
  assert.ok(h.calls.includes("startAgent"));
  h.actor.send({ type: "AGENT_READY" });
  assert.ok(h.state().matches({ running: { readiness: "waiting" } }), "a manager start waits for its manager");
  await h.resolve("startManager");
  assert.equal(h.state().value, { running: { agent: "ready", manager: "ready", readiness: "ready" } });
  assert.is(h.calls.filter((c) => c === "announceReady").length, 1);
  assert.is(h.state().context.callerWaiting, false);
});

test("join as worker: ready when the agent registers; no manager", async () => {
  const h = await readyWorker();
  assert.equal(h.state().value, { running: { agent: "ready", manager: "off", readiness: "ready" } });
  assert.ok(!h.calls.includes("startManager"));
});

test("promotion starts the manager without restarting the agent; demotion stops it with clearData", async () => {
  const h = await readyWorker();
  h.actor.send({ type: "ROLE_CHANGED", role: "manager" });
  assert.ok(h.state().matches({ running: { agent: "ready", manager: "starting" } }));
  await h.resolve("startManager");
  assert.ok(h.state().matches({ running: { manager: "ready" } }));
  h.actor.send({ type: "ROLE_CHANGED", role: "worker" });
  assert.ok(h.state().matches({ running: { agent: "ready", manager: "stopping" } }));
  assert.ok(h.calls.includes('stopManager({"clearData":true})'));
  assert.ok(h.calls.includes("logManagerStopping"));
  await h.resolve("stopManager");
  assert.ok(h.state().matches({ running: { agent: "ready", manager: "off", readiness: "ready" } }));
  assert.is(h.calls.filter((c) => c === "startAgent").length, 1);
});

test("a manager started while demoted stops again as soon as it is up", async () => {
  const h = await readyWorker();
  h.actor.send({ type: "ROLE_CHANGED", role: "manager" });
  h.actor.send({ type: "ROLE_CHANGED", role: "worker" });
  assert.ok(h.state().matches({ running: { manager: "starting" } }));
  await h.resolve("startManager");
  assert.ok(h.state().matches({ running: { manager: "stopping" } }));
});

test("a manager start demoted before its manager is up becomes ready as a worker", async () => {
  const h = harness();
  h.actor.send({ type: "START", mode: "load" });
  await h.resolve("startNode", { role: "manager" });
  h.actor.send({ type: "AGENT_READY" });
  h.actor.send({ type: "ROLE_CHANGED", role: "worker" });
  assert.ok(h.state().matches({ running: { readiness: "ready" } }));
});

test("first-run failure of init is reported back, not retried", async () => {
  const h = harness();
  h.actor.send({ type: "START", mode: "init" });
  await h.reject("startNode", "bind: address already in use");
  assert.is(h.state().value, "inactive");
  assert.ok(h.calls.includes("reportStartFailure"));
  assert.is(h.state().context.error, "bind: address already in use");
  h.clock.increment(60_000);
  assert.is(h.state().value, "inactive");
});

test("a node that never became ready and exits on its first run, with the caller waiting, is reported", async () => {
  const h = harness();
  h.actor.send({ type: "START", mode: "join" });
  await h.resolve("startNode", { role: "worker" });
  h.actor.send({ type: "NODE_EXITED", error: "agent: session failed" });
  assert.is(h.state().value, "exiting");
  await h.resolve("stopNode");
  assert.ok(h.calls.includes("announceExit"));
  assert.is(h.state().value, "inactive");
  assert.ok(h.calls.includes("reportStartFailure"));
});

test("after a join timeout (caller gone) a first-run failure leaves the node failed, not retried", async () => {
  const h = harness();
  h.actor.send({ type: "START", mode: "join" });
  h.actor.send({ type: "CALLER_GAVE_UP" });
  await h.reject("startNode", "A valid join token is necessary to join this cluster");
  assert.is(h.state().value, "failed");
  assert.ok(!h.calls.includes("reportStartFailure"));
  h.clock.increment(60_000);
  assert.is(h.state().value, "failed");
  h.actor.send({ type: "LEAVE" });
  assert.is(h.state().value, "leaving");
  await h.resolve("leaveSwarm");
  assert.is(h.state().value, "inactive");
  assert.ok(h.calls.includes("leftSwarm"));
});

test("caller gives up while the node is running but not ready", async () => {
  const h = harness();
  h.actor.send({ type: "START", mode: "join" });
  await h.resolve("startNode", { role: "worker" });
  h.actor.send({ type: "CALLER_GAVE_UP" });
  assert.is(h.state().context.callerWaiting, false);
  h.actor.send({ type: "NODE_EXITED", error: "x" });
  await h.resolve("stopNode");
  assert.is(h.state().value, "failed");
});

test("a state-dir load that fails on its first run is failed (error), not retried", async () => {
  const h = harness();
  h.actor.send({ type: "START", mode: "load" });
  await h.reject("startNode", "certificates missing");
  assert.is(h.state().value, "failed");
  h.actor.send({ type: "SHUTDOWN" });
  assert.is(h.state().value, "stopping");
  await h.resolve("stopNode");
  assert.is(h.state().value, "inactive");
});

test("a node that exits after ready restarts from its state dir after 200 ms, then 400 ms, … capped at 30 s", async () => {
  const h = await readyManager();
  h.actor.send({ type: "NODE_EXITED", error: "manager stopped: boom" });
  await h.resolve("stopNode");
  assert.is(h.state().value, "restarting");
  assert.is(h.state().context.reconnectDelayMs, 200);
  assert.is(h.state().context.error, "manager stopped: boom");
  assert.ok(h.calls.includes("announceRestart"));
  h.clock.increment(199);
  assert.is(h.state().value, "restarting");
  h.clock.increment(1);
  assert.is(h.state().value, "starting");
  assert.is(h.state().context.mode, "load", "a restart does not rejoin the join address");
  assert.is(h.state().context.error, "manager stopped: boom", "the error stays until ready");
  const delays = [];
  for (let i = 0; i < 9; i++) {
    await h.reject("startNode", "still broken");
    assert.is(h.state().value, "restarting");
    delays.push(h.state().context.reconnectDelayMs);
    h.clock.increment(h.state().context.reconnectDelayMs);
    assert.is(h.state().value, "starting");
  }
  assert.equal(delays, [400, 800, 1600, 3200, 6400, 12800, 25600, 30000, 30000]);
  await h.resolve("startNode", { role: "worker" });
  h.actor.send({ type: "AGENT_READY" });
  assert.ok(h.state().matches({ running: { readiness: "ready" } }));
  assert.is(h.state().context.error, null);
});

test("a join that never became ready is retried with the join address on repeated runs", async () => {
  const h = harness();
  h.actor.send({ type: "START", mode: "join" });
  await h.resolve("startNode", { role: "worker" });
  h.actor.send({ type: "AGENT_READY" });
  h.actor.send({ type: "NODE_EXITED", error: "e1" });
  await h.resolve("stopNode");
  h.clock.increment(200);
  assert.is(h.state().value, "starting");
  await h.reject("startNode", "e2");
  assert.is(h.state().value, "restarting", "repeated run: retried even though never ready");
  assert.is(h.state().context.reconnectDelayMs, 400);
});

test("a manager that fails to start makes the node exit with 'manager stopped: …'", async () => {
  const h = harness();
  h.actor.send({ type: "START", mode: "load" });
  await h.resolve("startNode", { role: "manager" });
  await h.reject("startManager", "listen EADDRINUSE");
  assert.is(h.state().value, "exiting");
  assert.is(h.state().context.error, "manager stopped: listen EADDRINUSE");
});

test("a manager that fails to stop makes the node exit", async () => {
  const h = await readyManager();
  h.actor.send({ type: "ROLE_CHANGED", role: "worker" });
  await h.reject("stopManager", "stuck");
  assert.is(h.state().value, "exiting");
  assert.is(h.state().context.error, "manager stopped: stuck");
});

test("a stopNode failure while exiting still decides what comes next", async () => {
  const h = await readyWorker();
  h.actor.send({ type: "NODE_EXITED", error: "x" });
  await h.reject("stopNode", "y");
  assert.is(h.state().value, "restarting");
});

test("leave from running stops everything and goes inactive; a failed leave is reported", async () => {
  const h = await readyManager();
  h.actor.send({ type: "LEAVE" });
  assert.is(h.state().value, "leaving");
  await h.resolve("leaveSwarm");
  assert.is(h.state().value, "inactive");
  assert.ok(h.calls.includes("leftSwarm"));

  const h2 = await readyWorker();
  h2.actor.send({ type: "LEAVE" });
  await h2.reject("leaveSwarm", "disk full");
  assert.is(h2.state().value, "inactive");
  assert.ok(h2.calls.includes("reportLeaveFailure"));
});

test("leave and shutdown are accepted while starting, exiting and restarting", async () => {
  for (const type of ["LEAVE", "SHUTDOWN"] as const) {
    const target = type === "LEAVE" ? "leaving" : "stopping";
    const a = harness();
    a.actor.send({ type: "START", mode: "init" });
    a.actor.send({ type });
    assert.is(a.state().value, target);

    const b = await readyWorker();
    b.actor.send({ type: "NODE_EXITED", error: "x" });
    b.actor.send({ type });
    assert.is(b.state().value, target);

    const c = await readyWorker();
    c.actor.send({ type: "NODE_EXITED", error: "x" });
    await c.resolve("stopNode");
    c.actor.send({ type });
    assert.is(c.state().value, target);

    const d = await readyWorker();
    d.actor.send({ type });
    assert.is(d.state().value, target);
  }
});

test("shutdown of a running node stops it without leaving", async () => {
  const h = await readyManager();
  h.actor.send({ type: "SHUTDOWN" });
  await h.reject("stopNode", "already stopped");
  assert.is(h.state().value, "inactive");
  assert.ok(!h.calls.includes("leftSwarm"));
});

test("START is ignored once a node exists", async () => {
  const h = await readyWorker();
  h.actor.send({ type: "START", mode: "init" });
  assert.ok(h.state().matches("running"));
});

test("every state was reached", () => {
  const all = [
    "inactive",
    "starting",
    "running",
    "running.agent.connecting",
    "running.agent.ready",
    "running.manager.off",
    "running.manager.starting",
    "running.manager.ready",
    "running.manager.stopping",
    "running.readiness.waiting",
    "running.readiness.ready",
    "exiting",
    "restarting",
    "failed",
    "leaving",
    "stopping",
  ];
  for (const s of all) assert.ok(visited.has(s), `state ${s} not reached`);
});

test.run();
