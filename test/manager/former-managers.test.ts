import { test } from "uvu";
import * as assert from "uvu/assert";
import { newNodeObject } from "../../src/manager/ca-server.ts";
import { demoteFormerManagers } from "../../src/manager/former-managers.ts";
import { createMemoryStore } from "../../src/manager/store.ts";

/**
 * The store of a cluster forced from a survivor (`swarm init
 * --force-new-cluster`): every manager but the Raft members is a worker of
 * the new cluster, desired and observed, with no manager status.
 */
test("the managers outside the new Raft memberlist become workers; members, workers and pending promotions stay", async () => {
  const store = createMemoryStore();
  await store.update((tx) => {
    tx.putNode(newNodeObject("survivor", "MANAGER", "ACTIVE"));
    const old = newNodeObject("old", "MANAGER", "DRAIN");
    tx.putNode({
      ...old,
      manager_status: { raft_id: "7", addr: "10.0.0.2:2377", leader: false, reachability: "REACHABLE" },
    });
    tx.putNode(newNodeObject("w", "WORKER", "ACTIVE"));
    const promoting = newNodeObject("p", "WORKER", "ACTIVE");
    tx.putNode({ ...promoting, spec: promoting.spec && { ...promoting.spec, desired_role: "MANAGER" } });
  });

  const demoted = await demoteFormerManagers(store, () => ["survivor"]);

  assert.equal(demoted, ["old"]);
  const node = (id: string) => store.view((tx) => tx.node(id));
  const old = node("old");
  assert.equal(
    [old?.role, old?.spec?.desired_role, old?.spec?.availability, old?.manager_status ?? null],
    ["WORKER", "WORKER", "DRAIN", null],
  );
  assert.equal([node("survivor")?.role, node("survivor")?.spec?.desired_role], ["MANAGER", "MANAGER"]);
  assert.equal([node("w")?.role, node("p")?.role, node("p")?.spec?.desired_role], ["WORKER", "WORKER", "MANAGER"]);
  assert.equal(await demoteFormerManagers(store, () => ["survivor"]), [], "nothing left to demote");
});

test.run();
