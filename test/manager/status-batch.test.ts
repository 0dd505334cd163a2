import { test } from "uvu";
import * as assert from "uvu/assert";
import { newNodeObject } from "../../src/manager/ca-server.ts";
import { MAX_CHANGES_PER_TRANSACTION, NodeStatusBatch } from "../../src/manager/node-status-batch.ts";
import { ReplicatedStore } from "../../src/manager/store.ts";
import { MAX_TRANSACTION_BYTES } from "../../src/raft/transport/index.ts";
import { rpcError, toRpcError } from "../../src/rpc/status.ts";

/** A store whose log counts entries and, as RaftNode.propose does, refuses one over MaxTransactionBytes. */
function countingStore() {
  const store = new ReplicatedStore();
  const counter = { entries: 0 };
  store.attach({
    isLeader: () => true,
    propose: async (data) => {
      if (data.length > MAX_TRANSACTION_BYTES)
        throw rpcError("Unknown", "raft: raft message is too large and can't be sent");
      counter.entries++;
      store.apply(data);
    },
  });
  return { store, counter };
}

test("registrations within one batch interval are written as store.Batch writes them: 200 changes per log entry, each caller waits for its own", async () => {
  const { store, counter } = countingStore();
  await store.update((tx) => {
    for (let i = 0; i < 500; i++) tx.putNode(newNodeObject(`n${i}`, "WORKER", "ACTIVE"));
  });
  counter.entries = 0;
  const batch = new NodeStatusBatch(store, 20);
  await Promise.all(Array.from({ length: 500 }, (_, i) => batch.markReady(`n${i}`, "10.0.0.1", undefined)));
  assert.is(counter.entries, Math.ceil(500 / MAX_CHANGES_PER_TRANSACTION));
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

test("a few thousand nodes with large descriptions registering at once all become READY (no transaction over MaxTransactionBytes)", async () => {
  const { store } = countingStore();
  const n = 1_000;
  await store.update((tx) => {
    for (let i = 0; i < n; i++) tx.putNode(newNodeObject(`n${i}`, "WORKER", "ACTIVE"));
  });
  // ~2 KiB per node: the whole interval's marks (~2 MiB) would be one proposal Raft refuses.
  const description = {
    hostname: "h".repeat(2048),
    platform: null,
    resources: null,
    engine: null,
    tls_info: null,
    fips: false,
  };
  const batch = new NodeStatusBatch(store, 20);
  const results = await Promise.allSettled(
    Array.from({ length: n }, (_, i) => batch.markReady(`n${i}`, "10.0.0.1", description)),
  );
  assert.equal(
    results.filter((r) => r.status === "rejected").map((r) => toRpcError((r as PromiseRejectedResult).reason).message),
    [],
  );
  assert.is(
    store.view((tx) => tx.nodes().filter((x) => x.status?.state === "READY").length),
    n,
  );
  batch.stop();
});

test.run();
