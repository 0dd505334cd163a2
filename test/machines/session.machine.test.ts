import { test } from "uvu";
import * as assert from "uvu/assert";
import { type AnyActorRef, createActor, fromCallback, fromPromise, SimulatedClock } from "xstate";
import {
  type HeartbeatInput,
  type HeartbeatOutput,
  type OpenSessionInput,
  type SelectedManager,
  type SessionEvent,
  type SessionTiming,
  sessionMachine,
} from "../../machines/session.machine.ts";

const timing: SessionTiming = {
  sessionInitTimeoutMs: 5000,
  heartbeatTimeoutMs: 5000,
  backoffInitialMs: 100,
  backoffMaxMs: 8000,
};
const NOT_FOUND = 5;
const PERMISSION_DENIED = 7;
const ABORTED = 10;
const UNAVAILABLE = 14;

type HeartbeatReply = HeartbeatOutput | { code: number; message: string } | "hang";

/** Runs queued promise reactions (promise actors settle on microtasks). */
const flush = () => new Promise<void>((r) => setImmediate(r));

function harness(opts: { selects?: (SelectedManager | Error)[]; heartbeats?: HeartbeatReply[] } = {}) {
  const clock = new SimulatedClock();
  const selects = opts.selects ?? [];
  const heartbeats = opts.heartbeats ?? [];
  const log: string[] = [];
  const opened: OpenSessionInput[] = [];
  const heartbeatInputs: HeartbeatInput[] = [];
  const watched: OpenSessionInput[] = [];
  let sessionSendBack: ((e: SessionEvent) => void) | undefined;
  let assignmentsSendBack: ((e: SessionEvent) => void) | undefined;
  let open = 0;
  const machine = sessionMachine.provide({
    actors: {
      selectManager: fromPromise<SelectedManager>(async () => {
        const next = selects.length > 1 ? selects.shift()! : selects[0];
        if (next === undefined) throw new Error("no remote hosts provided");
        if (next instanceof Error) throw next;
        return next;
      }),
      openSession: fromCallback<SessionEvent, OpenSessionInput>(({ input, sendBack }) => {
        opened.push(input);
        sessionSendBack = sendBack;
        open++;
        return () => {
          open--;
        };
      }),
      watchAssignments: fromCallback<SessionEvent, OpenSessionInput>(({ input, sendBack }) => {
        watched.push(input);
        assignmentsSendBack = sendBack;
        return () => {};
      }),
      heartbeat: fromPromise<HeartbeatOutput, HeartbeatInput>(({ input }) => {
        heartbeatInputs.push(input);
        const reply = heartbeats.length > 1 ? heartbeats.shift()! : heartbeats[0];
        if (reply === undefined || reply === "hang") return new Promise(() => {});
        if ("code" in reply) return Promise.reject(reply);
        return Promise.resolve(reply);
      }),
    },
    actions: {
      closeSession: ({ context }) => log.push(`close ${context.managerAddr}`),
      observeManagerSuccess: ({ context }) => log.push(`success ${context.managerAddr}`),
      notifySessionMessage: ({ event }) =>
        log.push(`message ${event.type === "SESSION_MESSAGE" ? event.sessionId : ""}`),
      notifyRegistered: ({ context }) => log.push(`registered ${context.sessionId}`),
      notifyClosed: ({ context }) => log.push(`closed ${context.lastError?.code} ${context.lastError?.message}`),
    },
  });
  const actor = createActor(machine, { clock, input: { timing } });
  return {
    actor,
    clock,
    log,
    opened,
    watched,
    heartbeatInputs,
    isOpen: () => open > 0,
    fromStream: (e: SessionEvent) => sessionSendBack?.(e),
    fromAssignments: (e: SessionEvent) => assignmentsSendBack?.(e),
    state: () => actor.getSnapshot().value,
    ctx: () => actor.getSnapshot().context,
  };
}

const m1: SelectedManager = { nodeId: "m1", addr: "10.0.0.1:2377" };
const m2: SelectedManager = { nodeId: "m2", addr: "10.0.0.2:2377" };
const message = (sessionId: string, managers = [{ ...m1, weight: 10 }]): SessionEvent => ({
  type: "SESSION_MESSAGE",
  sessionId,
  managers,
  message: { session_id: sessionId },
});

async function registered(h: ReturnType<typeof harness>, sessionId = "s1") {
  h.actor.start();
  await flush();
  h.fromStream(message(sessionId));
  await flush();
}

test("selects a manager and opens a session on it with no session ID at first", async () => {
  const h = harness({ selects: [m1] });
  h.actor.start();
  assert.equal(h.state(), "selecting");
  await flush();
  assert.equal(h.state(), { connecting: "initiating" });
  assert.equal(h.opened, [{ addr: m1.addr, sessionId: "" }]);
  assert.is(h.ctx().managerNodeId, "m1");
  h.actor.stop();
});

test("first SessionMessage registers, heartbeats at once, then at the period the dispatcher returned", async () => {
  const h = harness({ selects: [m1], heartbeats: [{ periodMs: 4700 }, { periodMs: 5300 }] });
  await registered(h, "s1");
  assert.is(h.ctx().sessionId, "s1");
  assert.is(h.ctx().registrations, 1);
  assert.equal(h.log, ["success 10.0.0.1:2377", "message s1", "registered s1"]);
  assert.equal(h.heartbeatInputs, [{ addr: m1.addr, sessionId: "s1" }]);
  assert.equal(h.watched, [{ addr: m1.addr, sessionId: "s1" }]);
  assert.equal(h.state(), { connecting: { registered: "waitingForNextHeartbeat" } });
  assert.is(h.ctx().heartbeatPeriodMs, 4700);
  h.clock.increment(4699);
  await flush();
  assert.is(h.heartbeatInputs.length, 1);
  h.clock.increment(1);
  await flush();
  assert.is(h.heartbeatInputs.length, 2);
  assert.is(h.ctx().heartbeatPeriodMs, 5300);
  h.clock.increment(5300);
  await flush();
  assert.is(h.heartbeatInputs.length, 3);
  h.actor.stop();
});

test("later SessionMessages update the managers and are passed on, without re-registering", async () => {
  const h = harness({ selects: [m1], heartbeats: [{ periodMs: 5000 }] });
  await registered(h);
  h.fromStream(
    message("s1", [
      { ...m1, weight: 10 },
      { ...m2, weight: 10 },
    ]),
  );
  assert.equal(
    h.ctx().managers.map((m) => m.nodeId),
    ["m1", "m2"],
  );
  assert.is(h.log.filter((l) => l.startsWith("message")).length, 2);
  assert.is(h.log.filter((l) => l.startsWith("registered")).length, 1);
  assert.is(h.ctx().registrations, 1);
  h.actor.stop();
});

test("no first message within sessionInitTimeout fails with 'session initiation timed out' and retries", async () => {
  const h = harness({ selects: [m1] });
  h.actor.start();
  await flush();
  h.clock.increment(4999);
  assert.equal(h.state(), { connecting: "initiating" });
  h.clock.increment(1);
  assert.is(h.state(), "backingOff");
  assert.equal(h.ctx().lastError, { code: 2, message: "session initiation timed out" });
  assert.ok(h.log.includes("close 10.0.0.1:2377"));
  assert.ok(h.log.includes("closed 2 session initiation timed out"));
  assert.not.ok(h.isOpen());
  assert.is(h.ctx().backoffMs, 100);
  assert.is(h.ctx().delayMs, 100);
  h.clock.increment(99);
  assert.is(h.state(), "backingOff");
  h.clock.increment(1);
  assert.is(h.state(), "selecting");
  await flush();
  assert.is(h.opened.length, 2);
  h.actor.stop();
});

test("backoff grows 100, 300, 700, 1500, 3100, 6300, 8000, 8000 ms and resets on registration", async () => {
  const h = harness({ selects: [m1], heartbeats: [{ periodMs: 5000 }] });
  h.actor.start();
  await flush();
  const seen: number[] = [];
  for (let i = 0; i < 8; i++) {
    h.fromStream({ type: "SESSION_ERROR", error: { code: UNAVAILABLE, message: "connection refused" } });
    seen.push(h.ctx().backoffMs);
    assert.is(h.ctx().delayMs, h.ctx().backoffMs);
    h.clock.increment(h.ctx().delayMs);
    await flush();
    assert.equal(h.state(), { connecting: "initiating" });
  }
  assert.equal(seen, [100, 300, 700, 1500, 3100, 6300, 8000, 8000]);
  h.fromStream(message("s1"));
  await flush();
  assert.is(h.ctx().backoffMs, 0);
  assert.is(h.ctx().lastError, null);
  h.fromStream({ type: "SESSION_ERROR", error: { code: UNAVAILABLE, message: "x" } });
  assert.is(h.ctx().backoffMs, 100);
  h.actor.stop();
});

test("a NotFound heartbeat means 'node not registered': reconnect with the old session ID, adopt the new one", async () => {
  const h = harness({
    selects: [m1],
    heartbeats: [{ code: NOT_FOUND, message: "node not registered" }, { periodMs: 5000 }],
  });
  await registered(h, "s1");
  assert.is(h.state(), "backingOff");
  assert.equal(h.ctx().lastError, { code: NOT_FOUND, message: "node not registered" });
  h.clock.increment(100);
  await flush();
  assert.equal(h.opened.at(-1), { addr: m1.addr, sessionId: "s1" });
  h.fromStream(message("s2"));
  await flush();
  assert.is(h.ctx().sessionId, "s2");
  assert.is(h.ctx().registrations, 2);
  assert.ok(h.log.includes("registered s2"));
  h.actor.stop();
});

test("a heartbeat error other than NotFound keeps its code and message", async () => {
  const h = harness({ selects: [m1], heartbeats: [{ code: ABORTED, message: "dispatcher is stopped" }] });
  await registered(h);
  assert.equal(h.ctx().lastError, { code: ABORTED, message: "dispatcher is stopped" });
  assert.is(h.state(), "backingOff");
  h.actor.stop();
});

test("a heartbeat that does not answer within the RPC timeout fails with DeadlineExceeded", async () => {
  const h = harness({ selects: [m1], heartbeats: ["hang"] });
  await registered(h);
  assert.equal(h.state(), { connecting: { registered: "heartbeating" } });
  h.clock.increment(5000);
  assert.is(h.state(), "backingOff");
  assert.equal(h.ctx().lastError, { code: 4, message: "context deadline exceeded" });
  h.actor.stop();
});

test("the session stream ending with Aborted 'node must disconnect' picks a manager again", async () => {
  const h = harness({ selects: [m1, m2], heartbeats: [{ periodMs: 5000 }] });
  await registered(h);
  h.fromStream({ type: "SESSION_ERROR", error: { code: ABORTED, message: "node must disconnect" } });
  assert.is(h.state(), "backingOff");
  assert.not.ok(h.isOpen());
  h.clock.increment(100);
  await flush();
  assert.equal(h.opened.at(-1), { addr: m2.addr, sessionId: "s1" });
  h.actor.stop();
});

test("an Assignments stream failure breaks the session too", async () => {
  const h = harness({ selects: [m1], heartbeats: [{ periodMs: 5000 }] });
  await registered(h);
  h.fromAssignments({ type: "SESSION_ERROR", error: { code: UNAVAILABLE, message: "transport is closing" } });
  assert.is(h.state(), "backingOff");
  assert.equal(h.ctx().lastError, { code: UNAVAILABLE, message: "transport is closing" });
  h.actor.stop();
});

test("no manager to select waits the delay and backs off with 'no remote hosts provided'", async () => {
  const h = harness({ selects: [] });
  h.actor.start();
  await flush();
  assert.is(h.state(), "backingOff");
  assert.equal(h.ctx().lastError, { code: 2, message: "no remote hosts provided" });
  assert.is(h.opened.length, 0);
  h.clock.increment(100);
  await flush();
  assert.is(h.ctx().backoffMs, 300);
  h.actor.stop();
});

test("PermissionDenied 'was removed from swarm' is the rejected state, which keeps retrying as Swarm does", async () => {
  const h = harness({ selects: [m1] });
  h.actor.start();
  await flush();
  const removed = { code: PERMISSION_DENIED, message: "Permission denied: node n1 was removed from swarm" };
  h.fromStream({ type: "SESSION_ERROR", error: removed });
  assert.is(h.state(), "rejected");
  assert.equal(h.ctx().lastError, removed);
  h.clock.increment(100);
  await flush();
  assert.equal(h.state(), { connecting: "initiating" });
  h.fromStream({ type: "SESSION_ERROR", error: { code: PERMISSION_DENIED, message: "unauthorized peer role" } });
  assert.is(h.state(), "backingOff");
  h.actor.stop();
});

const stopFrom: [string, (h: ReturnType<typeof harness>) => Promise<void>][] = [
  [
    "selecting",
    async (h) => {
      h.actor.start();
    },
  ],
  [
    "initiating",
    async (h) => {
      h.actor.start();
      await flush();
    },
  ],
  ["registered", (h) => registered(h)],
  [
    "backingOff",
    async (h) => {
      h.actor.start();
      await flush();
      h.fromStream({ type: "SESSION_ERROR", error: { code: UNAVAILABLE, message: "x" } });
    },
  ],
  [
    "rejected",
    async (h) => {
      h.actor.start();
      await flush();
      h.fromStream({
        type: "SESSION_ERROR",
        error: { code: PERMISSION_DENIED, message: "node x was removed from swarm" },
      });
    },
  ],
];
for (const [name, reach] of stopFrom) {
  test(`STOP from ${name} ends in stopped and closes the stream`, async () => {
    const h = harness({ selects: [m1], heartbeats: [{ periodMs: 5000 }] });
    await reach(h);
    h.actor.send({ type: "STOP" });
    assert.is(h.state(), "stopped");
    assert.is(h.actor.getSnapshot().status, "done");
    assert.not.ok(h.isOpen());
    h.clock.increment(60_000);
    await flush();
    assert.is(h.state(), "stopped");
  });
}

test("the machine can be started without providing anything: its default actors fail and it backs off", async () => {
  const actor: AnyActorRef = createActor(sessionMachine, { clock: new SimulatedClock(), input: { timing } });
  actor.start();
  await flush();
  assert.is(actor.getSnapshot().value, "backingOff");
  assert.equal(actor.getSnapshot().context.lastError.message, "selectManager not provided");
  actor.stop();
});

test.run();
