import { test } from "uvu";
import * as assert from "uvu/assert";
import type { AssignmentsMessage } from "../../src/gen/docker/swarmkit/v1/AssignmentsMessage.ts";
import type { Service__Output } from "../../src/gen/docker/swarmkit/v1/Service.ts";
import type { Task__Output } from "../../src/gen/docker/swarmkit/v1/Task.ts";
import { encodeAssignmentsMessage } from "../../src/manager/assignments-wire.ts";
import { newTask } from "../../src/manager/orchestrator/task.ts";
import { swarmkit } from "../../src/rpc/proto.ts";
import { service } from "./orchestrator/support/objects.ts";

// What an agent decodes (grpc-js's client deserializer), and what the leader sent before (proto-loader's serializer).
const wire = swarmkit.Dispatcher.service.Assignments;
const decode = (b: Buffer) => wire.responseDeserialize(b);

type Status = NonNullable<Task__Output["status"]>;
/** The fixture's service with the uint64 a real spec holds ("" is no number on the wire). */
const real = (s: Service__Output): Service__Output =>
  s.spec?.task ? { ...s, spec: { ...s.spec, task: { ...s.spec.task, force_update: "0" } } } : s;
const web = real(service("web", { replicas: 3, cpus: 0.5, constraints: ["node.role==worker"] }));
const db = real(service("db", { replicas: 1, memoryBytes: 64 * 2 ** 20 }));
const stored = (t: Task__Output, node: string, state: Status["state"]): Task__Output => ({
  ...t,
  meta: {
    version: { index: "4711" },
    created_at: { seconds: "1800000000", nanos: 5 },
    updated_at: { seconds: "1800000001", nanos: 7 },
  },
  node_id: node,
  status: { ...(t.status as Status), state, message: "scheduler assigned task to node" },
});
const webTasks = [1, 2, 3].map((slot) =>
  stored(newTask(web, { slot }, `web-${slot}`, 1_800_000_000_000), "n1", "ASSIGNED"),
);
const dbTask = stored(newTask(db, { slot: 1 }, "db-1", 1_800_000_000_000), "n1", "RUNNING");
// A global service's task (slot 0, preassigned) being stopped: the fields at their zero values are left out.
const stopping: Task__Output = {
  ...stored(newTask(web, { nodeId: "n1" }, "web-global", 1_800_000_000_000), "n1", "RUNNING"),
  desired_state: "SHUTDOWN",
};

const messages: [string, AssignmentsMessage][] = [
  ["a COMPLETE of nothing (a node without tasks)", { type: "COMPLETE", applies_to: "", results_in: "1", changes: [] }],
  [
    "a COMPLETE of two services' tasks",
    {
      type: "COMPLETE",
      applies_to: "",
      results_in: "1",
      changes: [...webTasks, dbTask, stopping].map((task) => ({ assignment: { task }, action: "UPDATE" })),
    },
  ],
  [
    "an INCREMENTAL with an update and a removal",
    {
      type: "INCREMENTAL",
      applies_to: "41",
      results_in: "42",
      changes: [
        { assignment: { task: webTasks[0] }, action: "UPDATE" },
        { assignment: { task: { id: "web-9" } }, action: "REMOVE" },
      ],
    },
  ],
];

for (const [what, msg] of messages) {
  test(`an agent reads the same message as proto-loader's encoding gave it: ${what}`, () => {
    const before = decode(wire.responseSerialize(msg));
    const now = decode(encodeAssignmentsMessage(msg));
    assert.equal(now, before);
    // And the same again once the specs' bytes are kept (the second message of a stream).
    assert.equal(decode(encodeAssignmentsMessage(msg)), before);
  });
}

test("each task carries its own service's spec, and a spec given as a new object is read anew", () => {
  const msg: AssignmentsMessage = {
    type: "INCREMENTAL",
    applies_to: "1",
    results_in: "2",
    changes: [webTasks[1], dbTask].map((task) => ({ assignment: { task }, action: "UPDATE" })),
  };
  const got = decode(encodeAssignmentsMessage(msg)) as { changes: { assignment: { task: Task__Output } }[] };
  const specs = got.changes.map((c) => c.assignment.task.spec?.resources?.reservations);
  assert.equal(specs[0]?.nano_cpus, "500000000");
  assert.equal(specs[1]?.memory_bytes, String(64 * 2 ** 20));
  // A service update gives its tasks a new spec object: what they carry is that one, not the old bytes.
  const webSpec = webTasks[1]?.spec;
  assert.ok(webSpec);
  const updated: Task__Output = {
    ...(webTasks[1] as Task__Output),
    spec: {
      ...webSpec,
      resources: { limits: null, reservations: { nano_cpus: "250000000", memory_bytes: "0" } },
    } as Task__Output["spec"],
  };
  const again = decode(
    encodeAssignmentsMessage({ ...msg, changes: [{ assignment: { task: updated }, action: "UPDATE" }] }),
  ) as { changes: { assignment: { task: Task__Output } }[] };
  assert.equal(again.changes[0]?.assignment.task.spec?.resources?.reservations?.nano_cpus, "250000000");
});

test.run();
