import { test } from "uvu";
import * as assert from "uvu/assert";
import type { ActorTransition } from "../../src/bus/events.ts";
import { freePort } from "../../src/net/free-port.ts";
import { useSwarm } from "../support/swarm.ts";
import { type Collector, waitFor } from "../support/wait-for.ts";

interface InspectedNode {
  ID: string;
  Status: { State: string; Message?: string };
}

const swarm = useSwarm(test);
let events: Collector<ActorTransition>;

test.before(async () => {
  events = await swarm.events("e2e-heartbeat-loss");
});

const sessionIdOf = (e: ActorTransition) => (typeof e.context?.sessionId === "string" ? e.context.sessionId : "");
const registered = (e: ActorTransition) => e.node === "w1" && e.actor === "session" && e.state.includes("registered");

test("a killed worker goes Down after the grace period and comes back Ready with a new session", async () => {
  const { token, addr } = await swarm.initManager("m1", await freePort());
  const w1 = await swarm.daemon("w1");
  assert.is((await swarm.cli("w1", "swarm", "join", "--token", token, addr)).code, 0);
  const first = await events.waitFor(registered, { timeoutMs: 10_000, what: "w1's session to register" });
  const firstSession = sessionIdOf(first);
  assert.match(firstSession, /^[0-9a-z]{25}$/);
  const [node] = await swarm.json<InspectedNode[]>("m1", "node", "inspect", "w1");
  assert.is(node?.Status.State, "ready");

  w1.kill("SIGKILL");
  await w1.exited;
  // The manager's liveness actor for w1 fires its grace timer (period × 3) and marks the node down.
  await events.waitFor((e) => e.node === "m1" && e.actor === `liveness-${node!.ID}` && e.state === "down", {
    timeoutMs: 10_000,
    what: "the manager to mark w1 down",
  });
  const down = await waitFor(
    async () => {
      const [n] = await swarm.json<InspectedNode[]>("m1", "node", "inspect", "w1");
      return n?.Status.State === "down" && n;
    },
    { timeoutMs: 5_000, what: "node inspect to show w1 down", intervalMs: 200 },
  );
  assert.is(down.Status.Message, "heartbeat failure");
  assert.match((await swarm.cli("m1", "node", "ls")).stdout, /\bw1\s+Down\s+Active/);

  const before = events.items.length;
  await swarm.daemon("w1");
  const again = await waitFor(() => events.items.slice(before).find(registered), {
    timeoutMs: 10_000,
    what: "the restarted w1 to register again",
  });
  assert.match(sessionIdOf(again), /^[0-9a-z]{25}$/);
  assert.is.not(sessionIdOf(again), firstSession);
  await waitFor(async () => /\bw1\s+Ready\s+Active/.test((await swarm.cli("m1", "node", "ls")).stdout), {
    timeoutMs: 10_000,
    what: "w1 Ready again in node ls",
    intervalMs: 200,
  });
  // The restarted daemon rejoined from its state dir: same node, no new join.
  const [after] = await swarm.json<InspectedNode[]>("m1", "node", "inspect", "w1");
  assert.is(after?.ID, node!.ID);
});

test.run();
