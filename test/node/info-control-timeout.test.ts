import { test } from "uvu";
import * as assert from "uvu/assert";
import { profiles } from "../../src/config/profile.ts";
import type { ClusterInfo } from "../../src/manager/api.ts";
import { controlFacts, managerStatsTimeoutMs, swarmInfo } from "../../src/node/info.ts";
import { rpcError } from "../../src/rpc/status.ts";

/**
 * `info` on an active manager asks the control API (moby Info → ListClusters,
 * ListNodes) and never waits past moby's managerStats timeout: a control API
 * that does not answer shows as the DeadlineExceeded error, a manager without
 * quorum as the lost-quorum error; Is Manager stays true, the cluster block goes.
 */
const LOST_QUORUM =
  "The swarm does not have a leader. It's possible that too few managers are online. Make sure more than half of the managers are online.";

const facts = { state: "active" as const, error: "", nodeId: "n1", remoteManagers: [], nodeAddr: "127.0.0.1" };

test("managerStats' timeout is moby's 5 s in the swarm profile, scaled in fast", () => {
  assert.is(managerStatsTimeoutMs(profiles.swarm), 5_000);
  assert.is(managerStatsTimeoutMs(profiles.fast), 500);
});

test("a control API that never answers: info returns with context deadline exceeded", async () => {
  const never = new Promise<never>(() => {});
  const manager = await controlFacts({ clusterInfo: () => never, listNodes: () => never }, 50);
  const i = swarmInfo({ ...facts, manager });
  assert.is(i.Error, "rpc error: code = DeadlineExceeded desc = context deadline exceeded");
  assert.is(i.ControlAvailable, true);
  assert.is(i.Cluster, undefined);
  assert.is(i.LocalNodeState, "active");
});

test("lost quorum: the error is the control call's rpc error text", async () => {
  const lost = () => Promise.reject(rpcError("Unknown", LOST_QUORUM));
  const manager = await controlFacts({ clusterInfo: lost, listNodes: lost }, 1_000);
  const i = swarmInfo({ ...facts, manager });
  assert.is(i.Error, `rpc error: code = Unknown desc = ${LOST_QUORUM}`);
  assert.is(i.ControlAvailable, true);
  assert.is(i.Nodes, undefined, "omitempty: zero nodes, no field");
});

test("answers: cluster and counts from the control API", async () => {
  const cluster = { id: "c1", name: "default" } as unknown as ClusterInfo;
  const manager = await controlFacts(
    {
      clusterInfo: async () => cluster,
      listNodes: async () => [{ id: "n1", manager_status: { reachability: "REACHABLE" } }] as never,
    },
    1_000,
  );
  const i = swarmInfo({ ...facts, manager });
  assert.is(i.Error, "");
  assert.is(i.Cluster?.ID, "c1");
  assert.is(i.Nodes, 1);
  assert.is(i.Managers, 1);
});

test.run();
