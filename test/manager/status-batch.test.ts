import { test } from "uvu";
import * as assert from "uvu/assert";
import { newNodeObject } from "../../src/manager/ca-server.ts";
import { NodeStatusBatch } from "../../src/manager/node-status-batch.ts";
import { ReplicatedStore } from "../../src/manager/store.ts";
import { toRpcError } from "../../src/rpc/status.ts";

/** A store whose log counts entries. */
function countingStore() {
  const store = new ReplicatedStore();
  const counter = { entries: 0 };
  store.attach({
    isLeader: () => true,
    propose: async (data) => {
      counter.entries++;
      store.apply(data);
    },
  });
  return { store, counter };
}

test("registrations within one batch interval are one transaction (one log entry), each caller waits for it", async () => {
  const { store, counter } = countingStore();
  await store.update((tx) => {
    for (let i = 0; i < 500; i++) tx.putNode(newNodeObject(`n${i}`, "WORKER", "ACTIVE"));
  });
  counter.entries = 0;
  const batch = new NodeStatusBatch(store, 20);
  await Promise.all(Array.from({ length: 500 }, (_, i) => batch.markReady(`n${i}`, "10.0.0.1", undefined)));
  assert.is(counter.entries, 1);
  assert.ok(store.view((tx) => tx.nodes().every((n) => n.status?.state === "READY" && n.status.addr === "10.0.0.1")));
  batch.stop();
});

test("a full batch (maxBatchItems) commits at once; a node missing at commit fails only its caller", async () => {
  const { store, counter } = countingStore();
  await store.update((tx) => {
    tx.putNode(newNodeObject("a", "WORKER", "ACTIVE"));
    tx.putNode(newNodeObject("b", "WORKER", "ACTIVE"));
  });
  counter.entries = 0;
  const batch = new NodeStatusBatch(store, 60_000, 3);
  const results = await Promise.allSettled([
    batch.markReady("a", "1.1.1.1", undefined),
    batch.markReady("gone", "1.1.1.1", undefined),
    batch.markReady("b", "1.1.1.1", undefined),
  ]);
  assert.is(counter.entries, 1);
  assert.equal(
    results.map((r) => r.status),
    ["fulfilled", "rejected", "fulfilled"],
  );
  assert.is(toRpcError((results[1] as PromiseRejectedResult).reason).message, "node not found");
  const pending = batch.markReady("a", "1.1.1.1", undefined);
  batch.stop();
  assert.is(
    toRpcError(await pending.catch((e: unknown) => e)).grpcText,
    "rpc error: code = Aborted desc = dispatcher is stopped",
  );
});

test.run();
