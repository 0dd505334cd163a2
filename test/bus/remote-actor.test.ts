import { test } from "uvu";
import * as assert from "uvu/assert";
import { createActor, fromCallback, setup } from "xstate";
import { z } from "zod";
import type { RemoteEvents } from "../../machines/index.ts";
import { acceptedEvents, sendToActor, serveActor } from "../../src/bus/remote-actor.ts";
import { actor as actorSubject } from "../../src/bus/subjects.ts";
import { Code, isRpcError } from "../../src/rpc/status.ts";
import { rejection } from "../support/caught.ts";
import { onTeardown } from "../support/fixture.ts";
import { memoryLog } from "../support/memory-log.ts";
import { waitFor } from "../support/wait-for.ts";
import { useBus } from "./support/bus.ts";

/** A door: closed ⇄ open, closed → locked (with a code) → closed. */
const door = setup({
  types: {
    events: {} as { type: "OPEN" } | { type: "CLOSE" } | { type: "LOCK"; code: string } | { type: "UNLOCK" },
  },
}).createMachine({
  id: "door",
  initial: "closed",
  states: {
    closed: { on: { OPEN: "open", LOCK: "locked" } },
    open: { on: { CLOSE: "closed" } },
    locked: { on: { UNLOCK: "closed" } },
  },
});

/** From the bus the door takes OPEN, CLOSE and LOCK with a 4-digit code; UNLOCK only from its owner. */
const doorRemoteEvents: RemoteEvents = {
  OPEN: z.strictObject({ type: z.literal("OPEN") }),
  CLOSE: z.strictObject({ type: z.literal("CLOSE") }),
  LOCK: z.strictObject({ type: z.literal("LOCK"), code: z.string().regex(/^\d{4}$/) }),
};

const bus = useBus(test);
const log = memoryLog();
const doorActor = createActor(door);
let stopServing: () => Promise<void>;
const opts = { timeoutMs: 5000 };

test.before(async () => {
  doorActor.start();
  stopServing = serveActor(bus.daemon, "m1", "door", doorActor, { log, remoteEvents: doorRemoteEvents }).stop;
  await bus.daemon.flush();
});

onTeardown(test, async () => {
  await stopServing();
  doorActor.stop();
});

test("the events a machine accepts are the ones its transitions name", () => {
  assert.equal([...(acceptedEvents(doorActor) ?? [])].sort(), ["CLOSE", "LOCK", "OPEN", "UNLOCK"]);
  assert.is(acceptedEvents(createActor(fromCallback(() => {}))), undefined, "non-machine logic: any type");
});

test("a valid event sent over the bus changes the actor's state", async () => {
  assert.equal(await sendToActor(bus.cli, "m1", "door", { type: "OPEN" }, opts), { state: "open", changed: true });
  assert.is(doorActor.getSnapshot().value, "open");
  assert.equal(await sendToActor(bus.cli, "m1", "door", { type: "CLOSE" }, opts), { state: "closed", changed: true });
  assert.equal(await sendToActor(bus.cli, "m1", "door", { type: "LOCK", code: "1234" }, opts), {
    state: "locked",
    changed: true,
  });
  // known to the machine but not handled in this state: delivered, nothing changes (XState semantics)
  assert.equal(await sendToActor(bus.cli, "m1", "door", { type: "OPEN" }, opts), { state: "locked", changed: false });
  doorActor.send({ type: "UNLOCK" });
  assert.is(doorActor.getSnapshot().value, "closed");
});

test("an event the machine knows but does not take from the bus is PermissionDenied, logged, and changes nothing", async () => {
  await sendToActor(bus.cli, "m1", "door", { type: "LOCK", code: "1234" }, opts);
  const before = log.lines.length;
  const e = await rejection(() => sendToActor(bus.cli, "m1", "door", { type: "UNLOCK" }, opts));
  assert.ok(isRpcError(e, "PermissionDenied"), String(e));
  assert.is(
    (e as Error).message,
    "actor door does not take UNLOCK from the bus: only its daemon sends it (from the bus it takes CLOSE, LOCK, OPEN)",
  );
  assert.is(doorActor.getSnapshot().value, "locked");
  assert.ok(log.lines.length > before, "the refusal is logged");
  doorActor.send({ type: "UNLOCK" });
});

test("a declared event whose fields its schema refuses is InvalidArgument naming the field; nothing changes", async () => {
  for (const [event, field] of [
    [{ type: "LOCK", code: 1234 }, /code: /],
    [{ type: "LOCK", code: "12" }, /code: /],
    [{ type: "LOCK" }, /code: /],
    [{ type: "OPEN", force: true }, /force/],
  ] as const) {
    const e = await rejection(() => sendToActor(bus.cli, "m1", "door", event, opts));
    assert.ok(isRpcError(e, "InvalidArgument"), String(e));
    assert.match((e as Error).message, new RegExp(`^invalid ${event.type} event for actor door: `));
    assert.match((e as Error).message, field);
  }
  assert.is(doorActor.getSnapshot().value, "closed");
});

test("an actor served without a declaration takes nothing from the bus", async () => {
  const plain = createActor(door).start();
  const server = serveActor(bus.daemon, "m1", "plain", plain, { log });
  await bus.daemon.flush();
  const e = await rejection(() => sendToActor(bus.cli, "m1", "plain", { type: "OPEN" }, opts));
  assert.ok(isRpcError(e, "PermissionDenied"), String(e));
  assert.is(plain.getSnapshot().value, "closed");
  await server.stop();
  plain.stop();
});

test("an oversized body is ResourceExhausted and a deeply nested one InvalidArgument, before parsing; the actor serves on", async () => {
  const subject = actorSubject("m1", "door");
  const ask = async (body: string) =>
    (await bus.cli.request(subject, body, { timeout: 5000 })).json<{
      ok: boolean;
      error: { code: number; message: string };
    }>();
  const big = await ask(JSON.stringify({ type: "OPEN", pad: "x".repeat(100_000) }));
  assert.is(big.error.code, Code.ResourceExhausted, big.error.message);
  assert.match(big.error.message, /^an event for actor door is 100\d{3} bytes, more than the 65536 allowed$/);
  const deep = await ask(`{"type":"OPEN","a":${"[".repeat(17)}${"]".repeat(17)}}`);
  assert.is(deep.error.code, Code.InvalidArgument, deep.error.message);
  assert.is(deep.error.message, "an event for actor door nests deeper than 16 levels");
  // brackets inside a string are not nesting: the body is parsed, then refused for its field
  const quoted = await ask(JSON.stringify({ type: "OPEN", a: "[".repeat(100) }));
  assert.match(quoted.error.message, /^invalid OPEN event for actor door: /);
  assert.is(doorActor.getSnapshot().value, "closed");
  assert.equal(await sendToActor(bus.cli, "m1", "door", { type: "OPEN" }, opts), { state: "open", changed: true });
  await sendToActor(bus.cli, "m1", "door", { type: "CLOSE" }, opts);
});

test("a fire-and-forget publish is delivered too", async () => {
  bus.cli.publish(actorSubject("m1", "door"), JSON.stringify({ type: "OPEN" }));
  await waitFor(() => doorActor.getSnapshot().matches("open"), { timeoutMs: 5000, what: "the door to open" });
  await sendToActor(bus.cli, "m1", "door", { type: "CLOSE" }, opts);
});

test("an unknown event type is answered InvalidArgument, logged, and the actor is unchanged", async () => {
  const before = log.lines.length;
  const e = await rejection(() => sendToActor(bus.cli, "m1", "door", { type: "SMASH" }, opts));
  assert.ok(isRpcError(e, "InvalidArgument"), String(e));
  assert.is(
    (e as Error).message,
    "actor door does not accept events of type SMASH; it accepts CLOSE, LOCK, OPEN, UNLOCK",
  );
  assert.is(doorActor.getSnapshot().value, "closed");
  assert.ok(log.lines.length > before, "the rejection is logged");
});

test("internal xstate.* events cannot be injected from the bus", async () => {
  const e = await rejection(() => sendToActor(bus.cli, "m1", "door", { type: "xstate.stop" }, opts));
  assert.ok(isRpcError(e, "InvalidArgument"));
  assert.is(doorActor.getSnapshot().status, "active");
});

test("garbage and events without a type are answered InvalidArgument; the actor keeps serving", async () => {
  const subject = actorSubject("m1", "door");
  for (const body of ["{oops", "42", '"OPEN"', "null", JSON.stringify({ kind: "OPEN" }), JSON.stringify({ type: 5 })]) {
    const reply = (await bus.cli.request(subject, body, { timeout: 5000 })).json<{
      ok: boolean;
      error: { code: number; message: string };
    }>();
    assert.is(reply.ok, false, body);
    assert.is(reply.error.code, Code.InvalidArgument, body);
  }
  const r = (await bus.cli.request(subject, new Uint8Array([0xc3, 0x28]), { timeout: 5000 })).json<{
    error: { code: number };
  }>();
  assert.is(r.error.code, Code.InvalidArgument);
  bus.cli.publish(subject, "garbage without a reply subject");
  assert.is(doorActor.getSnapshot().value, "closed");
  assert.equal(await sendToActor(bus.cli, "m1", "door", { type: "OPEN" }, opts), { state: "open", changed: true });
  await sendToActor(bus.cli, "m1", "door", { type: "CLOSE" }, opts);
});

test("a stopped actor answers FailedPrecondition; an unserved one is Unavailable", async () => {
  const gone = createActor(door).start();
  const server = serveActor(bus.daemon, "m1", "gone", gone, { log, remoteEvents: doorRemoteEvents });
  await bus.daemon.flush();
  gone.stop();
  const e = await rejection(() => sendToActor(bus.cli, "m1", "gone", { type: "OPEN" }, opts));
  assert.ok(isRpcError(e, "FailedPrecondition"), String(e));
  await server.stop();
  await bus.daemon.flush();
  const u = await rejection(() => sendToActor(bus.cli, "m1", "gone", { type: "OPEN" }, opts));
  assert.ok(isRpcError(u, "Unavailable"), String(u));
  assert.match((u as Error).message, /no actor gone on node m1 is reachable/);
});

test.run();
