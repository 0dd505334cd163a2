import { test } from "uvu";
import * as assert from "uvu/assert";
import { updateCluster } from "../../../src/manager/controlapi/index.ts";
import type { Store } from "../../../src/manager/store.ts";
import { rpcRejection } from "../../support/caught.ts";
import { clusterStore } from "./support/cluster-store.ts";

/** SK controlapi UpdateCluster, as `swarm update` reaches it. */
const clusterOf = (store: Store) => {
  const c = store.view((tx) => tx.cluster());
  if (!c) throw new Error("no cluster");
  return c;
};

test("the settings given change, the others are kept, the version moves", async () => {
  const { store } = await clusterStore();
  const before = clusterOf(store);
  const info = await updateCluster(store, {
    clusterId: before.id,
    version: before.version,
    change: { heartbeatPeriodMs: 2000, nodeCertExpiryMs: 3600_000, snapshotInterval: 3 },
  });
  const after = clusterOf(store);
  assert.is(after.spec.dispatcher.heartbeatPeriodMs, 2000);
  assert.is(after.spec.caConfig.nodeCertExpiryMs, 3600_000, "exactly the 1 h minimum is allowed");
  assert.is(after.spec.raft.snapshotInterval, 3);
  assert.is(after.spec.raft.keepOldSnapshots, before.spec.raft.keepOldSnapshots);
  assert.is(after.spec.orchestration.taskHistoryRetentionLimit, before.spec.orchestration.taskHistoryRetentionLimit);
  assert.equal(after.rootCA, before.rootCA);
  assert.ok(after.version > before.version);
  assert.is(info.version, after.version);
  assert.is(info.heartbeatPeriodMs, 2000);
});

test("SwarmKit's refusals, word for word", async () => {
  const { store } = await clusterStore();
  const c = clusterOf(store);
  const text = async (change: Parameters<typeof updateCluster>[1]["change"], over = {}) =>
    (await rpcRejection(() => updateCluster(store, { clusterId: c.id, version: c.version, change, ...over }))).grpcText;
  assert.is(
    await text({ nodeCertExpiryMs: 3599_999 }),
    "rpc error: code = InvalidArgument desc = minimum certificate expiry time is: 1h0m0s",
  );
  assert.is(
    await text({ heartbeatPeriodMs: -1 }),
    "rpc error: code = InvalidArgument desc = heartbeat time period cannot be a negative duration",
  );
  assert.is(await text({}, { version: c.version - 1 }), "rpc error: code = Unknown desc = update out of sequence");
  assert.is(await text({}, { clusterId: "nosuch" }), "rpc error: code = NotFound desc = cluster nosuch not found");
  assert.equal(clusterOf(store), c, "nothing was written");
});

test.run();
