import { test } from "uvu";
import * as assert from "uvu/assert";
import { machineOfActor } from "../../src/inspect/dashboard/actor-machines.ts";
import { TASK_LOOP_NAMES } from "../../src/manager/orchestrator/index.ts";

test("the dashboard draws every task loop of the leader with the controlLoop machine", () => {
  for (const name of TASK_LOOP_NAMES) assert.is(machineOfActor(name), "controlLoop", name);
  assert.is(machineOfActor("liveness-abc"), "nodeLiveness");
  assert.is(machineOfActor("raft"), "raft");
  assert.is(machineOfActor("dispatcher"), null);
});

test.run();
