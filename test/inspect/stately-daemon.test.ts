import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { type InspectorRelay, startInspectorRelay } from "../../src/inspect/stately/relay.ts";
import { freePort } from "../../src/net/free-port.ts";
import { spawnDaemon } from "../../src/process/daemon-process.ts";
import { onTeardown } from "../support/fixture.ts";
import { viewer } from "../support/stately-viewer.ts";
import { useSwarm } from "../support/swarm.ts";
import { waitFor } from "../support/wait-for.ts";

let relay: InspectorRelay;
let watcher: Awaited<ReturnType<typeof viewer>>;
// Stops last: the daemon streams to the relay until the swarm stops it.
onTeardown(test, () => relay?.stop());
const swarm = useSwarm(test);

test.before(async () => {
  relay = await startInspectorRelay({ port: await freePort() });
  watcher = await viewer(relay.viewerSocketUrl);
});
onTeardown(test, () => watcher?.close());

test("a daemon started with --inspect streams its actors, by name, to a viewer on the relay", async () => {
  const d = spawnDaemon({
    name: "m1",
    stateDir: join(swarm.dir, "m1"),
    natsUrl: swarm.nats.url,
    natsCreds: await swarm.nats.credsForNode("m1"),
    profile: "fast",
    logFile: join(swarm.dir, "m1.log"),
    inspect: relay.url,
  });
  swarm.daemons.set("m1", d);
  await waitFor(async () => (await swarm.cli("m1", "info", "--format", "json")).code === 0, {
    timeoutMs: 20_000,
    what: "m1 to answer info",
    intervalMs: 100,
  });

  const node = await watcher.waitFor((e) => e.type === "@xstate.actor" && e.name === "m1/node", "the node actor");
  const cluster = await watcher.waitFor(
    (e) => e.type === "@xstate.actor" && e.name === "m1/clusterState",
    "the clusterState actor",
  );
  // Session ids carry the node's name: two daemons' XState sessions (x:0, x:1 …) never collide.
  assert.ok(node.sessionId.startsWith("m1/"), node.sessionId);
  assert.is.not(node.sessionId, cluster.sessionId);
  // The node actor's snapshot: inactive, with its context.
  const nodeSnapshot = await watcher.waitFor(
    (e) => e.sessionId === node.sessionId && e.snapshot?.value === "inactive",
    "the node actor's inactive snapshot",
  );
  assert.is(nodeSnapshot.snapshot?.context?.role, "worker");

  const init = await swarm.cli("m1", "swarm", "init", "--listen-addr", `127.0.0.1:${await freePort()}`);
  assert.is(init.code, 0, init.stderr);
  const raft = await watcher.waitFor((e) => e.type === "@xstate.actor" && e.name === "m1/raft", "the raft actor");
  const leader = await watcher.waitFor(
    (e) => e.type === "@xstate.snapshot" && e.sessionId === raft.sessionId && e.snapshot?.value === "leader",
    "the raft actor's transition to leader",
  );
  assert.is(leader.event?.type, "CORE_STATE");
  // The events sent to actors are shown too (the sequence view): the node actor got START.
  await watcher.waitFor(
    (e) => e.type === "@xstate.event" && e.sessionId === node.sessionId && e.event?.type === "START",
    "START sent to the node actor",
  );
});

test("a viewer that connects later is shown every live actor in its current state", async () => {
  const late = await viewer(relay.viewerSocketUrl);
  try {
    const raft = await late.waitFor((e) => e.type === "@xstate.actor" && e.name === "m1/raft", "raft replayed", 2000);
    const current = late.seen.filter((e) => e.sessionId === raft.sessionId).at(-1);
    assert.is(current?.snapshot?.value, "leader");
    const names = late.seen.filter((e) => e.type === "@xstate.actor").map((e) => e.name);
    for (const n of ["m1/node", "m1/clusterState", "m1/session", "m1/raft"]) assert.ok(names.includes(n), n);
  } finally {
    await late.close();
  }
});

test.run();
