import { test } from "uvu";
import * as assert from "uvu/assert";
import { newNodeObject } from "../../src/manager/ca-server.ts";
import { LivenessActors } from "../../src/manager/liveness.ts";
import { ReplicatedStore } from "../../src/manager/store.ts";
import { waitFor } from "../support/wait-for.ts";

test("a leadership change over many nodes marks them UNKNOWN in one transaction (one Raft entry)", async () => {
  const store = new ReplicatedStore();
  let entries = 0;
  store.attach({
    isLeader: () => true,
    propose: async (data) => {
      entries++;
      store.apply(data);
    },
  });
  const ids = Array.from({ length: 300 }, (_, i) => `n${i}`);
  await store.update((tx) => {
    for (const id of ids)
      tx.putNode({
        ...newNodeObject(id, "WORKER", "ACTIVE"),
        status: { state: "READY", message: "", addr: "10.0.0.1" },
      });
  });
  entries = 0;
  const actors = new LivenessActors({ store, onUnregister: () => {} });
  try {
    for (const id of ids) actors.of(id).send({ type: "LEADERSHIP_CHANGED", graceMs: 60_000, wasDown: false });
    await waitFor(() => store.view((tx) => tx.nodes().every((n) => n.status?.state === "UNKNOWN")), {
      timeoutMs: 2_000,
      what: "every node UNKNOWN",
    });
    assert.is(entries, 1);
    const n = store.view((tx) => tx.node("n0"));
    assert.is(n?.status?.message, 'Node moved to "unknown" state due to leadership change in cluster');
    assert.is(n?.status?.addr, "10.0.0.1");
  } finally {
    actors.stopAll();
  }
});

test.run();
