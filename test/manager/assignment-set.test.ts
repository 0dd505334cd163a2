import { test } from "uvu";
import * as assert from "uvu/assert";
import type { AssignmentsMessage } from "../../src/gen/docker/swarmkit/v1/AssignmentsMessage.ts";
import type { Task__Output } from "../../src/gen/docker/swarmkit/v1/Task.ts";
import { AssignmentSet, MAX_LATENCY_QUIETS } from "../../src/manager/assignment-set.ts";

const assigned = (id: string) =>
  ({ id, node_id: "n1", desired_state: "RUNNING", status: { state: "ASSIGNED" } }) as unknown as Task__Output;

test("a node whose tasks keep changing closer together than the quiet period still gets them within the bound", async () => {
  const quietMs = 50;
  const sent: { at: number; msg: AssignmentsMessage }[] = [];
  const set = new AssignmentSet((msg) => sent.push({ at: performance.now(), msg }), quietMs);
  set.complete([]);
  // A scheduler writing a big service: one new task for this node every 20 ms, for 600 ms.
  const t0 = performance.now();
  let n = 0;
  await new Promise<void>((done) => {
    const tick = setInterval(() => {
      set.update(assigned(`t${++n}`));
      if (performance.now() - t0 >= 600) {
        clearInterval(tick);
        done();
      }
    }, 20);
  });
  const firstIncremental = sent.find((s) => s.msg.type === "INCREMENTAL");
  set.stop();
  assert.ok(firstIncremental, "an INCREMENTAL message went out while the changes kept coming");
  // Timers on a loaded machine run late; the bound is what matters, with room for that.
  assert.ok(
    firstIncremental.at - t0 < MAX_LATENCY_QUIETS * quietMs + 250,
    `first INCREMENTAL after ${(firstIncremental.at - t0).toFixed(0)} ms`,
  );
});

test("changes close together within the quiet period go out in one message", async () => {
  const sent: AssignmentsMessage[] = [];
  const set = new AssignmentSet((msg) => sent.push(msg), 30);
  set.complete([]);
  set.update(assigned("a"));
  set.update(assigned("b"));
  await new Promise<void>((done) => {
    const check = setInterval(() => {
      if (sent.length >= 2) {
        clearInterval(check);
        done();
      }
    }, 5);
  });
  set.stop();
  assert.equal(
    (sent[1]?.changes ?? []).map((c) => c.assignment?.task?.id),
    ["a", "b"],
  );
});

test.run();
