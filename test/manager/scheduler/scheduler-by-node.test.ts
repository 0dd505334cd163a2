import { test } from "uvu";
import * as assert from "uvu/assert";
import { Scheduler } from "../../../src/manager/scheduler/scheduler.ts";
import { ReplicatedStore, type StoreEvent } from "../../../src/manager/store.ts";
import { node, service, task } from "../orchestrator/support/objects.ts";

test("a node's tasks placed in one pass are written in one entry (one Assignments message), not one entry per round of the nodes", async () => {
  const store = new ReplicatedStore();
  /** Per log entry, the nodes its ASSIGNED tasks went to. */
  const entries: string[][] = [];
  let current: string[] = [];
  store.attach({
    isLeader: () => true,
    propose: async (data) => {
      current = [];
      entries.push(current);
      store.apply(data);
    },
  });
  store.watch((e: StoreEvent) => {
    if (e.kind === "task" && e.task.status?.state === "ASSIGNED") current.push(e.task.node_id);
  });
  const s = service("s1", { replicas: 300 });
  await store.update((tx) => {
    for (const n of ["n1", "n2", "n3"]) tx.putNode(node(n));
    tx.putService(s);
    for (let slot = 1; slot <= 300; slot++) tx.putTask(task(`t${slot}`, s, { slot, state: "PENDING" }));
  });
  const scheduler = new Scheduler({ store });
  scheduler.reset();
  assert.is((await scheduler.pass()).changes, 300);

  const assigning = entries.filter((e) => e.length > 0);
  // Spread evenly (100 each), in transactions of at most 200 changes: two entries.
  assert.equal(
    assigning.map((e) => e.length),
    [200, 100],
  );
  for (const n of ["n1", "n2", "n3"]) {
    const holding = assigning.filter((e) => e.includes(n));
    assert.is(holding.length, 1, `${n}'s tasks are in ${holding.length} entries`);
    assert.is(holding[0]?.filter((x) => x === n).length, 100);
  }
});

test.run();
