import type { NatsConnection } from "@nats-io/transport-node";
import { test } from "uvu";
import * as assert from "uvu/assert";
import type { ApiService } from "../../src/bus/daemon-contract.ts";
import { freePort } from "../../src/net/free-port.ts";
import { processesWith } from "../support/processes.ts";
import { createService, perNode, runningOf, serviceTasks, untilTasks } from "../support/service-helpers.ts";
import { useSwarm } from "../support/swarm.ts";
import { waitFor } from "../support/wait-for.ts";

/**
 * Services on real daemons: 1 manager + 2 workers, each task a real program
 * (`sleep` with an argument no other process has, so the OS process table
 * tells which are ours).
 */
const swarm = useSwarm(test);
let nc: NatsConnection;
const marker = `${4000 + (process.pid % 1000)}.5`;
const ours = () => processesWith(marker).length;

test.before(async () => {
  const { token, addr } = await swarm.initManager("m1", await freePort());
  await swarm.joinWorker("w1", token, addr);
  await swarm.joinWorker("w2", token, addr);
  nc = await swarm.nats.connect("test-services");
});

test("3 replicas spread over the 3 nodes and run as 3 programs; scaled to 6 and to 1, the programs follow", async () => {
  const id = await createService(swarm, "m1", "--name", "web", "--replicas", "3", "sleep", marker);
  const three = await untilTasks(nc, "m1", id, (ts) => runningOf(ts).length === 3, "3 tasks running");
  assert.equal(perNode(runningOf(three)), { m1: 1, w1: 1, w2: 1 });
  assert.equal(
    runningOf(three)
      .map((t) => t.Slot)
      .sort(),
    [1, 2, 3],
  );
  await waitFor(() => ours() === 3, { timeoutMs: 5000, what: "3 programs in the process table" });

  assert.is((await swarm.cli("m1", "service", "scale", "-d", "web=6")).code, 0);
  const six = await untilTasks(nc, "m1", id, (ts) => runningOf(ts).length === 6, "6 tasks running");
  assert.equal(perNode(runningOf(six)), { m1: 2, w1: 2, w2: 2 });
  await waitFor(() => ours() === 6, { timeoutMs: 5000, what: "6 programs" });

  assert.is((await swarm.cli("m1", "service", "scale", "-d", "web=1")).code, 0);
  const one = await untilTasks(
    nc,
    "m1",
    id,
    (ts) => runningOf(ts).length === 1 && ts.every((t) => t.DesiredState === "running" || t.Status.State !== "running"),
    "1 task running, the others stopped",
  );
  // Scale down keeps the lowest slot.
  assert.equal(runningOf(one)[0]?.Slot, 1);
  await waitFor(() => ours() === 1, { timeoutMs: 10_000, what: "1 program left" });

  assert.is((await swarm.cli("m1", "service", "rm", "web")).code, 0);
  await waitFor(() => ours() === 0, { timeoutMs: 10_000, what: "no program of the service left" });
});

test("a program that exits 1 fails with `task: non-zero exit (1)` and its slot is started again", async () => {
  const id = await createService(
    swarm,
    "m1",
    "--name",
    "crasher",
    "--restart-delay",
    "100ms",
    "--entrypoint",
    "/bin/sh",
    "sh",
    "-c",
    "exit 1",
  );
  const tasks = await untilTasks(
    nc,
    "m1",
    id,
    (ts) => ts.filter((t) => t.Status.State === "failed").length >= 2,
    "two failed runs of slot 1",
  );
  const failed = tasks.filter((t) => t.Status.State === "failed");
  for (const t of failed) {
    assert.is(t.Status.Err, "task: non-zero exit (1)");
    assert.is(t.Status.ContainerStatus?.ExitCode, 1);
    assert.is(t.Slot, 1);
  }
  const ps = await swarm.cli("m1", "service", "ps", "--no-trunc", "crasher");
  assert.match(ps.stdout, /"task: non-zero exit \(1\)"/);
  assert.match(ps.stdout, /\\_ crasher\.1/);
  assert.is((await swarm.cli("m1", "service", "rm", "crasher")).code, 0);
});

test("a program that cannot start is REJECTED with the OS error, shown whole by service ps --no-trunc", async () => {
  const id = await createService(swarm, "m1", "--name", "missing", "--replicas", "1", "no-such-program-here");
  const tasks = await untilTasks(
    nc,
    "m1",
    id,
    (ts) => ts.some((t) => t.Status.State === "rejected"),
    "the task rejected",
  );
  const rejected = tasks.find((t) => t.Status.State === "rejected");
  assert.is(rejected?.Status.Err, 'exec: "no-such-program-here": executable file not found in $PATH');
  assert.is((await swarm.cli("m1", "service", "rm", "missing")).code, 0);
});

test("an unschedulable task waits PENDING with the whole explanation, and runs as soon as a node can take it", async () => {
  const id = await createService(
    swarm,
    "m1",
    "--name",
    "picky",
    "--constraint",
    "node.labels.disk==ssd",
    "sleep",
    marker,
  );
  const pending = await untilTasks(
    nc,
    "m1",
    id,
    (ts) => ts.some((t) => t.Status.State === "pending" && (t.Status.Err ?? "") !== ""),
    "the task pending with an explanation",
  );
  assert.is(pending[0]?.Status.Err, "no suitable node (scheduling constraints not satisfied on 3 nodes)");
  const inspect = await swarm.cli("m1", "service", "ps", "--no-trunc", "picky");
  assert.match(inspect.stdout, /"no suitable node \(scheduling constraints not satisfied on 3 nodes\)"/);
  const pretty = await swarm.cli("m1", "service", "inspect", "--pretty", "picky");
  assert.match(
    pretty.stdout,
    /\nPending Tasks:\t1\n picky\.1:\tno suitable node \(scheduling constraints not satisfied on 3 nodes\)\n/,
  );
  const [json] = JSON.parse((await swarm.cli("m1", "service", "inspect", "picky")).stdout) as ApiService[];
  assert.equal(
    json?.PendingTasks?.map((p) => [p.Slot, p.Err]),
    [[1, pending[0]?.Status.Err]],
  );
  assert.equal(json?.ServiceStatus, { RunningTasks: 0, DesiredTasks: 1, CompletedTasks: 0 });
  assert.is((await swarm.write("m1", "node", "update", "--label-add", "disk=ssd", "w2")).code, 0);
  const running = await untilTasks(nc, "m1", id, (ts) => runningOf(ts).length === 1, "the task running on w2");
  assert.is(runningOf(running)[0]?.node, "w2");
  assert.is((await swarm.cli("m1", "service", "rm", "picky")).code, 0);
  await waitFor(() => ours() === 0, { timeoutMs: 10_000, what: "no program left" });
  // The tasks of a removed service go with it.
  await waitFor(async () => (await serviceTasks(nc, "m1", id)).length === 0, {
    timeoutMs: 10_000,
    what: "the removed service's tasks deleted",
  });
});

test.run();
