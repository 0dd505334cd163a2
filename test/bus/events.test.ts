import { test } from "uvu";
import * as assert from "uvu/assert";
import { assign, createActor, sendTo, setup } from "xstate";
import { connectBus } from "../../src/bus/connection.ts";
import { type ActorTransition, publishTransitions, stateString, subscribeEvents } from "../../src/bus/events.ts";
import { events } from "../../src/bus/subjects.ts";
import { memoryLog } from "../support/memory-log.ts";
import { collector } from "../support/wait-for.ts";
import { useBus } from "./support/bus.ts";

/** A lamp: off ⇄ on, and while on, dim ⇄ bright; TICK only counts (no state change); BREAK ends it. */
const lamp = setup({
  types: {
    context: {} as { ticks: number },
    events: {} as { type: "POWER" } | { type: "TOGGLE" } | { type: "TICK" } | { type: "BREAK" },
  },
}).createMachine({
  id: "lamp",
  initial: "off",
  context: { ticks: 0 },
  on: { TICK: { actions: assign({ ticks: ({ context }) => context.ticks + 1 }) } },
  states: {
    off: { on: { POWER: "on", BREAK: "broken" } },
    on: {
      initial: "dim",
      on: { POWER: "off" },
      states: { dim: { on: { TOGGLE: "bright" } }, bright: { on: { TOGGLE: "dim" } } },
    },
    broken: { type: "final" },
  },
});

/** Two parallel regions, to see how they read on the stream. */
const console2 = setup({ types: { events: {} as { type: "A" } | { type: "B" } } }).createMachine({
  id: "console",
  type: "parallel",
  states: {
    screen: { initial: "off", states: { off: { on: { A: "on" } }, on: {} } },
    fan: { initial: "idle", states: { idle: { on: { B: "spinning" } }, spinning: {} } },
  },
});

const bus = useBus(test);
const log = memoryLog();

const view = (e: ActorTransition) => [e.from, e.state, e.event];
const timeouts = { timeoutMs: 5000 };

test("state values read as dotted strings; parallel regions in braces", () => {
  assert.is(stateString("off"), "off");
  assert.is(stateString({ running: { manager: "on" } }), "running.manager.on");
  assert.is(stateString({ running: { manager: "on", agent: "up" } }), "running.{agent.up,manager.on}");
  assert.is(stateString({ fan: "idle", screen: { on: "lit" } }), "{fan.idle,screen.on.lit}");
});

test("every state change is published in order with from, state and the event that caused it", async () => {
  const seen = collector<ActorTransition>();
  const sub = await subscribeEvents(bus.cli, { node: "m1", actor: "lamp" }, seen.push);
  const actor = createActor(lamp).start();
  const stop = publishTransitions(bus.daemon, "m1", "lamp", actor, { log });
  actor.send({ type: "POWER" });
  actor.send({ type: "TOGGLE" });
  actor.send({ type: "TICK" }); // context only: not on the stream
  actor.send({ type: "TOGGLE" });
  actor.send({ type: "POWER" });
  const got = await seen.waitForCount(5, { ...timeouts, what: "5 lamp transitions" });
  assert.equal(got.map(view), [
    [null, "off", "xstate.init"],
    ["off", "on.dim", "POWER"],
    ["on.dim", "on.bright", "TOGGLE"],
    ["on.bright", "on.dim", "TOGGLE"],
    ["on.dim", "off", "POWER"],
  ]);
  for (const e of got) {
    assert.is(e.node, "m1");
    assert.is(e.actor, "lamp");
    assert.ok(!Number.isNaN(Date.parse(e.time)), e.time);
  }
  assert.equal(got[1]!.value, { on: "dim" });
  actor.send({ type: "BREAK" });
  const last = await seen.waitFor((e) => e.state === "broken", { ...timeouts, what: "the final state" });
  assert.is(last.status, "done");
  stop();
  actor.stop();
  await sub.stop();
});

test("an actor registered before it starts shows its initial state once", async () => {
  const seen = collector<ActorTransition>();
  const sub = await subscribeEvents(bus.cli, { node: "m1", actor: "console" }, seen.push);
  const actor = createActor(console2);
  const stop = publishTransitions(bus.daemon, "m1", "console", actor, { log });
  actor.start();
  actor.send({ type: "A" });
  actor.send({ type: "B" });
  const got = await seen.waitForCount(3, { ...timeouts, what: "3 console transitions" });
  assert.equal(got.map(view), [
    [null, "{fan.idle,screen.off}", "xstate.init"],
    ["{fan.idle,screen.off}", "{fan.idle,screen.on}", "A"],
    ["{fan.idle,screen.on}", "{fan.spinning,screen.on}", "B"],
  ]);
  stop();
  actor.stop();
  await sub.stop();
});

test("filters: all actors, one node, one actor on every node; stopped publishers go quiet", async () => {
  const all = collector<ActorTransition>();
  const m1 = collector<ActorTransition>();
  const lamps = collector<ActorTransition>();
  const subs = await Promise.all([
    subscribeEvents(bus.cli, {}, all.push),
    subscribeEvents(bus.cli, { node: "m1" }, m1.push),
    subscribeEvents(bus.cli, { actor: "lamp" }, lamps.push),
  ]);
  const a = createActor(lamp).start();
  const b = createActor(lamp).start();
  const c = createActor(console2).start();
  const stopA = publishTransitions(bus.daemon, "m1", "lamp", a, { log });
  const stopB = publishTransitions(bus.daemon, "m2", "lamp", b, { log });
  const stopC = publishTransitions(bus.daemon, "m2", "console", c, { log });
  a.send({ type: "POWER" });
  b.send({ type: "POWER" });
  c.send({ type: "A" });
  stopA();
  a.send({ type: "POWER" }); // no longer published
  c.send({ type: "B" }); // the marker: published after everything above
  await all.waitFor((e) => e.state === "{fan.spinning,screen.on}", { ...timeouts, what: "the marker" });
  const where = (xs: ActorTransition[]) => xs.map((e) => `${e.node}/${e.actor}:${e.state}`);
  assert.equal(where(m1.items), ["m1/lamp:off", "m1/lamp:on.dim"]);
  assert.equal(where(lamps.items), ["m1/lamp:off", "m2/lamp:off", "m1/lamp:on.dim", "m2/lamp:on.dim"]);
  assert.is(all.items.length, 7);
  assert.not.ok(
    all.items.some((e) => e.node === "m1" && e.from === "on.dim"),
    "nothing published after stop",
  );
  stopB();
  stopC();
  for (const x of [a, b, c]) x.stop();
  await Promise.all(subs.map((s) => s.stop()));
});

test("a child actor's stream carries only its own transitions, not its parent's", async () => {
  const house = setup({ actors: { lamp } }).createMachine({
    id: "house",
    initial: "day",
    invoke: { id: "lamp", src: "lamp" },
    states: { day: { on: { DUSK: "night" } }, night: { entry: sendTo("lamp", { type: "POWER" }) } },
  });
  const seen = collector<ActorTransition>();
  const sub = await subscribeEvents(bus.cli, { node: "m5" }, seen.push);
  const parent = createActor(house).start();
  const child = parent.getSnapshot().children.lamp!;
  const stopParent = publishTransitions(bus.daemon, "m5", "house", parent, { log });
  const stopChild = publishTransitions(bus.daemon, "m5", "lamp", child, { log });
  parent.send({ type: "DUSK" });
  await seen.waitForCount(4, { ...timeouts, what: "house and lamp transitions" });
  const lampEvents = seen.items.filter((e) => e.actor === "lamp").map(view);
  const houseEvents = seen.items.filter((e) => e.actor === "house").map(view);
  assert.equal(lampEvents, [
    [null, "off", "xstate.init"],
    ["off", "on.dim", "POWER"],
  ]);
  assert.equal(houseEvents, [
    [null, "day", "xstate.init"],
    ["day", "night", "DUSK"],
  ]);
  stopParent();
  stopChild();
  parent.stop();
  await sub.stop();
});

test("invalid messages on the stream go to onInvalid, never thrown, and valid ones still flow", async () => {
  const seen = collector<ActorTransition>();
  const bad = collector<string>();
  const sub = await subscribeEvents(bus.cli, { node: "m3" }, seen.push, (reason) => bad.push(reason));
  bus.daemon.publish(events("m3", "x"), "not json at all");
  bus.daemon.publish(events("m3", "x"), JSON.stringify({ node: "m3", actor: "x", state: 7 }));
  const actor = createActor(lamp).start();
  const stop = publishTransitions(bus.daemon, "m3", "lamp", actor, { log });
  await seen.waitFor((e) => e.state === "off", { ...timeouts, what: "the valid event" });
  await bad.waitForCount(2, { ...timeouts, what: "two invalid messages" });
  assert.match(bad.items[0]!, /^not JSON: /);
  assert.match(bad.items[1]!, /state: /);
  stop();
  actor.stop();
  await sub.stop();
});

test("publishing on a closed connection never throws into the actor", async () => {
  const nc = await connectBus(bus.nats, "short-lived");
  const actor = createActor(lamp).start();
  const quiet = memoryLog();
  const stop = publishTransitions(nc, "m4", "lamp", actor, { log: quiet });
  await nc.close();
  actor.send({ type: "POWER" });
  actor.send({ type: "POWER" });
  assert.is(actor.getSnapshot().value, "off");
  assert.is(quiet.lines.length, 1, "one warning, not one per transition");
  stop();
  actor.stop();
});

test.run();
