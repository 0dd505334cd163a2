import { test } from "uvu";
import * as assert from "uvu/assert";
import { managerUnlockKey } from "../../../src/manager/cluster-object.ts";
import { updateCluster } from "../../../src/manager/controlapi/index.ts";
import type { Store } from "../../../src/manager/store.ts";
import { clusterStore } from "./support/cluster-store.ts";

/** SK controlapi UpdateCluster's unlock keys, as `swarm update --autolock` and `swarm unlock-key --rotate` reach it. */
const clusterOf = (store: Store) => {
  const c = store.view((tx) => tx.cluster());
  if (!c) throw new Error("no cluster");
  return c;
};

async function update(store: Store, change: { autoLockManagers?: boolean }, rotate = false): Promise<Buffer | null> {
  const c = clusterOf(store);
  await updateCluster(store, {
    clusterId: c.id,
    version: c.version,
    change,
    ...(rotate ? { rotation: { managerUnlockKey: true } } : {}),
  });
  return managerUnlockKey(clusterOf(store));
}

test("autolock on makes an unlock key, other updates keep it, a rotation replaces it, autolock off drops it", async () => {
  const { store } = await clusterStore();
  assert.is(managerUnlockKey(clusterOf(store)), null, "a new swarm is not locked");
  const key = await update(store, { autoLockManagers: true });
  assert.ok(key && key.length === 32);
  assert.is(clusterOf(store).spec.encryptionConfig.autoLockManagers, true);
  assert.equal(await update(store, {}), key, "an update that does not rotate keeps the key");
  assert.equal(await update(store, { autoLockManagers: true }), key, "turning it on again keeps the key");
  const rotated = await update(store, {}, true);
  assert.ok(rotated && !rotated.equals(key));
  assert.is(await update(store, { autoLockManagers: false }), null);
  assert.equal(clusterOf(store).unlockKeys, [], "the key is gone from the cluster object");
  assert.is(await update(store, {}, true), null, "a rotation with autolock off makes no key");
});

test.run();
