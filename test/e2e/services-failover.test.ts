import type { NatsConnection } from "@nats-io/transport-node";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { freePort } from "../../src/net/free-port.ts";
import { processesWith } from "../support/processes.ts";
import { createService, perNode, runningOf, untilTasks } from "../support/service-helpers.ts";
import { useSwarm } from "../support/swarm.ts";
import { waitFor } from "../support/wait-for.ts";

/**
 * What happens to tasks when nodes go: a worker killed, a worker drained, a
 * global service meeting a node that joins later. Real daemons, real programs.
 */
const swarm = useSwarm(test);
let nc: NatsConnection;
let join: { token: string; addr: string };
const marker = `${5000 + (process.pid % 1000)}.5`;

test.before(async () => {
  join = await swarm.initManager("m1", await freePort());
  await swarm.joinWorker("w1", join.token, join.addr);
  await swarm.joinWorker("w2", join.token, join.addr);
  nc = await swarm.nats.connect("test-services-failover");
});

test("a worker SIGKILLed: its tasks are replaced on the other nodes; restarted, it stops what it ran", async () => {
  const id = await createService(swarm, "m1", "--name", "web", "--replicas", "3", "sleep", marker);
  await untilTasks(nc, "m1", id, (ts) => runningOf(ts).length === 3, "3 tasks running");
  const w2 = swarm.daemons.get("w2");
  w2?.kill("SIGKILL");
  await w2?.exited;
  const after = await untilTasks(
    nc,
    "m1",
    id,
    (ts) => runningOf(ts).length === 3 && runningOf(ts).every((t) => t.node !== "w2"),
    "3 tasks running on m1 and w1",
  );
  assert.equal(perNode(runningOf(after)), { m1: 2, w1: 1 });
  // The killed daemon's program outlived it (as a container outlives a killed dockerd): 4 in all.
  assert.is(processesWith(marker).length, 4);
  await swarm.daemon("w2");
  // Back, w2 finds its program, reports it, and stops it: its task is no longer wanted.
  await waitFor(() => processesWith(marker).length === 3, { timeoutMs: 20_000, what: "w2's old program stopped" });
  assert.is((await swarm.cli("m1", "service", "rm", "web")).code, 0);
  await waitFor(() => processesWith(marker).length === 0, { timeoutMs: 10_000, what: "no program left" });
});

test("node update --availability drain moves a node's tasks away", async () => {
  const id = await createService(swarm, "m1", "--name", "api", "--replicas", "3", "sleep", marker);
  await untilTasks(nc, "m1", id, (ts) => runningOf(ts).length === 3, "3 tasks running");
  assert.is((await swarm.write("m1", "node", "update", "--availability", "drain", "w1")).code, 0);
  const after = await untilTasks(
    nc,
    "m1",
    id,
    (ts) => runningOf(ts).length === 3 && !ts.some((t) => t.node === "w1" && t.Status.State === "running"),
    "3 tasks running, none on w1",
  );
  assert.is(perNode(runningOf(after)).w1, undefined);
  assert.is((await swarm.write("m1", "node", "update", "--availability", "active", "w1")).code, 0);
  assert.is((await swarm.cli("m1", "service", "rm", "api")).code, 0);
  await waitFor(() => processesWith(marker).length === 0, { timeoutMs: 10_000, what: "no program left" });
});

test("a global service runs one task per node, and one on a node that joins later", async () => {
  const id = await createService(swarm, "m1", "--name", "agent", "--mode", "global", "sleep", marker);
  const before = await untilTasks(
    nc,
    "m1",
    id,
    (ts) => Object.keys(perNode(runningOf(ts))).length === 3,
    "one task on each of the 3 nodes",
  );
  assert.equal(perNode(runningOf(before)), { m1: 1, w1: 1, w2: 1 });
  await swarm.joinWorker("w3", join.token, join.addr);
  const after = await untilTasks(nc, "m1", id, (ts) => runningOf(ts).length === 4, "a task on the new node");
  assert.equal(perNode(runningOf(after)), { m1: 1, w1: 1, w2: 1, w3: 1 });
  assert.is((await swarm.cli("m1", "service", "rm", "agent")).code, 0);
  await waitFor(() => processesWith(marker).length === 0, { timeoutMs: 10_000, what: "no program left" });
});

test.run();
