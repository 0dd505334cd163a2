import { test } from "uvu";
import * as assert from "uvu/assert";
import type { AssignmentsMessage__Output } from "../../src/gen/docker/swarmkit/v1/AssignmentsMessage.ts";
import type { Task__Output } from "../../src/gen/docker/swarmkit/v1/Task.ts";
import type { TaskState__Output } from "../../src/gen/docker/swarmkit/v1/TaskState.ts";
import { rpcRejection } from "../support/caught.ts";
import { collector } from "../support/wait-for.ts";
import { identityMetadata } from "./support/dispatcher-client.ts";
import {
  call,
  dispatcherClient,
  joinWorker,
  openSession,
  startCluster,
  type TestCluster,
  testProfile,
} from "./support/manager-cluster.ts";

// These sessions never heartbeat: with the test profile's 200 ms period a node expires 600 ms after
// registering, and its streams end ("node not registered") under a busy disk's fsyncs before the
// assignments they wait for. Liveness is tested elsewhere; here a session outlives the test.
const profile = { ...testProfile, heartbeatPeriodMs: 60_000, heartbeatEpsilonMs: 0 };

let c: TestCluster;
test.before.each(async () => {
  c = await startCluster(profile);
});
test.after.each(async () => {
  await c.close();
});

function task(id: string, nodeId: string, state: TaskState__Output): Task__Output {
  return {
    id,
    meta: null,
    spec: null,
    // No service: a leader's first orchestrator pass removes tasks whose service does not exist,
    // and that pass may come after these tasks are written.
    service_id: "",
    slot: "1",
    node_id: nodeId,
    annotations: null,
    service_annotations: null,
    status: { timestamp: null, state, message: "", err: "", applied_by: "", applied_at: null },
    desired_state: "RUNNING",
    spec_version: null,
  };
}

async function registered() {
  const worker = await joinWorker(c);
  const client = dispatcherClient(c);
  const md = await identityMetadata(c, worker.identity);
  const { session_id } = await openSession(c, client, md).first;
  return { worker, client, md, session_id, nodeId: worker.identity.nodeId };
}

const status = (state: TaskState__Output) => ({ state, message: state.toLowerCase() });

test("UpdateTaskStatus moves a task forward, records who applied it, never goes backwards, skips unknown tasks", async () => {
  const { client, md, session_id, nodeId } = await registered();
  await c.manager.store.update((tx) => tx.putTask(task("t1", nodeId, "ASSIGNED")));
  await call((cb) =>
    client.UpdateTaskStatus(
      {
        session_id,
        updates: [
          { task_id: "t1", status: status("RUNNING") },
          { task_id: "nope", status: status("RUNNING") },
        ],
      },
      md,
      cb,
    ),
  );
  const t1 = c.manager.store.view((tx) => tx.task("t1"))!;
  assert.is(t1.status?.state, "RUNNING");
  assert.is(t1.status?.applied_by, c.managerId);
  assert.ok(t1.status?.applied_at);
  assert.is(
    c.manager.store.view((tx) => tx.task("nope")),
    undefined,
  );
  await call((cb) =>
    client.UpdateTaskStatus({ session_id, updates: [{ task_id: "t1", status: status("ACCEPTED") }] }, md, cb),
  );
  assert.is(c.manager.store.view((tx) => tx.task("t1"))!.status?.state, "RUNNING");
});

test("a task of another node → PermissionDenied 'cannot update a task not assigned this node', nothing applied", async () => {
  const { client, md, session_id, nodeId } = await registered();
  await c.manager.store.update((tx) => {
    tx.putTask(task("mine", nodeId, "ASSIGNED"));
    tx.putTask(task("theirs", "someone-else", "ASSIGNED"));
  });
  const e = await rpcRejection(() =>
    call((cb) =>
      client.UpdateTaskStatus(
        {
          session_id,
          updates: [
            { task_id: "mine", status: status("RUNNING") },
            { task_id: "theirs", status: status("RUNNING") },
          ],
        },
        md,
        cb,
      ),
    ),
  );
  assert.is(e.grpcText, "rpc error: code = PermissionDenied desc = cannot update a task not assigned this node");
  assert.is(c.manager.store.view((tx) => tx.task("mine"))!.status?.state, "ASSIGNED");
});

test("an update without a status → InvalidArgument", async () => {
  const { client, md, session_id } = await registered();
  const e = await rpcRejection(() =>
    call((cb) => client.UpdateTaskStatus({ session_id, updates: [{ task_id: "t1" }] }, md, cb)),
  );
  assert.is(e.code, 3);
  assert.match(e.message, /without a status/);
});

test("Assignments: first COMPLETE with the node's tasks ≥ ASSIGNED, then INCREMENTAL; results_in counts 1, 2, …", async () => {
  const { client, md, session_id, nodeId } = await registered();
  await c.manager.store.update((tx) => {
    tx.putTask(task("a", nodeId, "ASSIGNED"));
    tx.putTask(task("p", nodeId, "PENDING"));
    tx.putTask(task("x", "other", "RUNNING"));
  });
  const stream = client.Assignments({ session_id }, md);
  c.closers.push(() => stream.cancel());
  const got = collector<AssignmentsMessage__Output>();
  stream.on("data", got.push);
  stream.on("error", () => {});
  const [first] = await got.waitForCount(1, { timeoutMs: 2000, what: "the COMPLETE assignments message" });
  assert.is(first!.type, "COMPLETE");
  assert.is(first!.results_in, "1");
  assert.is(first!.applies_to, "");
  assert.equal(
    first!.changes.map((ch) => ch.assignment?.task?.id),
    ["a"],
  );
  await c.manager.store.update((tx) => tx.putTask(task("p", nodeId, "ASSIGNED")));
  const [, second] = await got.waitForCount(2, { timeoutMs: 2000, what: "an INCREMENTAL assignments message" });
  assert.is(second!.type, "INCREMENTAL");
  assert.is(second!.applies_to, "1");
  assert.is(second!.results_in, "2");
  assert.equal(
    second!.changes.map((ch) => [ch.assignment?.task?.id, ch.action]),
    [["p", "UPDATE"]],
  );
});

test("changes close together arrive batched in one INCREMENTAL message", async () => {
  // "Close together" means within the batch interval of each other; the fast profile's 10 ms is
  // shorter than one fsync on a busy disk, so this cluster batches over 500 ms (the logic is the same).
  await c.close();
  c = await startCluster({ ...profile, batchIntervalMs: 500 });
  const { client, md, session_id, nodeId } = await registered();
  const stream = client.Assignments({ session_id }, md);
  c.closers.push(() => stream.cancel());
  const got = collector<AssignmentsMessage__Output>();
  stream.on("data", got.push);
  stream.on("error", () => {});
  await got.waitForCount(1, { timeoutMs: 2000, what: "the COMPLETE assignments message" });
  await c.manager.store.update((tx) => tx.putTask(task("t1", nodeId, "ASSIGNED")));
  await c.manager.store.update((tx) => tx.putTask(task("t2", nodeId, "ASSIGNED")));
  await c.manager.store.update((tx) => tx.putTask(task("t1", nodeId, "ACCEPTED")));
  const [, second] = await got.waitForCount(2, { timeoutMs: 10_000, what: "an INCREMENTAL assignments message" });
  assert.equal(
    second!.changes.map((ch) => [ch.assignment?.task?.id, ch.assignment?.task?.status?.state]),
    [
      ["t1", "ACCEPTED"],
      ["t2", "ASSIGNED"],
    ],
  );
});

test("Assignments: the agent's own status is not sent back; a desired-state change is; a deleted task is a REMOVE", async () => {
  const { client, md, session_id, nodeId } = await registered();
  await c.manager.store.update((tx) => tx.putTask(task("t1", nodeId, "ASSIGNED")));
  const stream = client.Assignments({ session_id }, md);
  c.closers.push(() => stream.cancel());
  const got = collector<AssignmentsMessage__Output>();
  stream.on("data", got.push);
  stream.on("error", () => {});
  await got.waitForCount(1, { timeoutMs: 2000, what: "the COMPLETE assignments message" });
  // The agent reports RUNNING: nothing goes back to it for that alone.
  await call((cb) =>
    client.UpdateTaskStatus({ session_id, updates: [{ task_id: "t1", status: status("RUNNING") }] }, md, cb),
  );
  // The orchestrator shuts the task down, then the reaper deletes it.
  await c.manager.store.update((tx) => {
    const t = tx.task("t1");
    if (t) tx.putTask({ ...t, desired_state: "SHUTDOWN" });
  });
  const [, second] = await got.waitForCount(2, { timeoutMs: 5000, what: "the desired-state change" });
  assert.equal(
    second!.changes.map((ch) => [ch.assignment?.task?.id, ch.action, ch.assignment?.task?.desired_state]),
    [["t1", "UPDATE", "SHUTDOWN"]],
  );
  await c.manager.store.update((tx) => tx.deleteTask("t1"));
  const [, , third] = await got.waitForCount(3, { timeoutMs: 5000, what: "the removal" });
  assert.equal(
    third!.changes.map((ch) => [ch.assignment?.task?.id, ch.action]),
    [["t1", "REMOVE"]],
  );
  assert.is(got.items.length, 3, "the agent's RUNNING report came back to it");
});

test.run();
