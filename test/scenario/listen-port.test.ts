import { connect, createServer, type Server } from "node:net";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { ActorStates } from "../../src/scenario/actor-states.ts";
import { LocalSwarm } from "../../src/scenario/local-swarm.ts";
import { parseScenario } from "../../src/scenario/schema.ts";
import { runStep, type StepContext } from "../../src/scenario/steps.ts";

/**
 * A scenario's node binds its gRPC port when it inits or joins, often many steps after the
 * scenario started. A port set aside at the start (a free port, closed again) was open to any
 * other process until then: a test file running beside the scenario took it now and then, and
 * the join failed "address already in use" (the likeliest cause of quorum-loss-crash's step 19
 * failing once in a CI run, whose log was not kept: m4 binds ~25 s after its port was picked).
 * The kernel now picks the port as the node binds it; the scenario learns it from the init or join.
 */
const scenario = parseScenario(
  `
name: a manager joins long after the start
nodes: [m1, m2]
steps:
  - start: [m1, m2]
  - init: m1
  - join: m2
    via: m1
    role: manager
`,
  "inline",
);

let swarm: LocalSwarm;
const squatters: Server[] = [];
test.before(async () => {
  swarm = await LocalSwarm.start({
    nodes: scenario.nodes,
    profile: scenario.profile,
    onTransition: () => {},
    onNodeExit: () => {},
  });
});
test.after(async () => {
  for (const s of squatters) s.close();
  await swarm.close({ keep: false });
});

function listenOn(addr: string): Promise<Server> {
  const [host, port] = [addr.slice(0, addr.lastIndexOf(":")), Number(addr.slice(addr.lastIndexOf(":") + 1))];
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(port, host, () => resolve(s));
  });
}

function answers(addr: string): Promise<boolean> {
  const port = Number(addr.slice(addr.lastIndexOf(":") + 1));
  return new Promise((resolve) => {
    const c = connect(port, "127.0.0.1");
    c.once("connect", () => {
      c.destroy();
      resolve(true);
    });
    c.once("error", () => resolve(false));
  });
}

test("no port is set aside before a node binds it: another process taking ports meanwhile does not fail its join", async () => {
  // What another process may do between the scenario's start and m2's join: listen on the port
  // the swarm would give m2, if the swarm has already named one.
  const early = swarm.addr("m2");
  if (early) squatters.push(await listenOn(early));
  const states = new ActorStates();
  for (const step of scenario.steps) {
    const ctx: StepContext = {
      swarm,
      states,
      signal: AbortSignal.timeout(step.timeoutMs),
      deadline: Date.now() + step.timeoutMs,
      startedAt: Date.now(),
      detail: () => {},
    };
    await runStep(step, ctx);
  }
  const m1 = swarm.addr("m1");
  const m2 = swarm.addr("m2");
  assert.ok(m1 && m2, `m1 at ${m1}, m2 at ${m2}`);
  assert.is.not(m1, m2);
  assert.ok(await answers(m2), `m2's manager answers at ${m2}`);
});

test.run();
