import { test } from "uvu";
import * as assert from "uvu/assert";
import type { Node__Output } from "../../src/gen/docker/swarmkit/v1/Node.ts";
import type { ClusterInfo } from "../../src/manager/api.ts";
import { TWO_MANAGER_WARNING } from "../../src/node/errors.ts";
import { swarmInfo } from "../../src/node/info.ts";
import { managerLeaveMessage, managerStats } from "../../src/node/leave-message.ts";
import { rpcError } from "../../src/rpc/status.ts";
import { sampleClusterInfo } from "../support/cluster-info.ts";

const cluster: ClusterInfo = sampleClusterInfo("cccccccccccccccccccccccc0");

const mgr = (id: string, reachability: "REACHABLE" | "UNREACHABLE") =>
  ({ id, manager_status: { raft_id: "1", addr: "", leader: false, reachability } }) as unknown as Node__Output;
const worker = (id: string) => ({ id, manager_status: null }) as unknown as Node__Output;

const base = { nodeId: "n1", remoteManagers: [{ NodeID: "n1", Addr: "127.0.0.1:2377" }], nodeAddr: "127.0.0.1" };

test("inactive: no NodeID, no RemoteManagers, no cluster", () => {
  const i = swarmInfo({ state: "inactive", error: "", nodeId: null, remoteManagers: [], nodeAddr: "", manager: null });
  assert.is(i.NodeID, "");
  assert.is(i.RemoteManagers, null);
  assert.is(i.Cluster, undefined);
  assert.is(i.ControlAvailable, false);
});

test("active manager: counts nodes and managers; durations in nanoseconds", () => {
  const i = swarmInfo({
    ...base,
    state: "active",
    error: "",
    manager: { cluster: () => cluster, nodes: () => [mgr("n1", "REACHABLE"), worker("w1")] },
  });
  assert.is(i.ControlAvailable, true);
  assert.is(i.Nodes, 2);
  assert.is(i.Managers, 1);
  assert.is(i.Cluster?.Spec.Dispatcher.HeartbeatPeriod, 5_000_000_000);
  assert.is(i.Cluster?.Spec.CAConfig.NodeCertExpiry, 7_776_000_000_000_000);
  assert.is(i.Warnings, undefined);
});

test("two managers: the warning, unless the state is error", () => {
  const two = { cluster: () => cluster, nodes: () => [mgr("n1", "REACHABLE"), mgr("n2", "REACHABLE")] };
  assert.equal(swarmInfo({ ...base, state: "active", error: "", manager: two }).Warnings, [TWO_MANAGER_WARNING]);
  assert.is(swarmInfo({ ...base, state: "error", error: "x", manager: two }).Warnings, undefined);
});

test("a failing ListNodes overwrites Error with the gRPC text", () => {
  const i = swarmInfo({
    ...base,
    state: "active",
    error: "",
    manager: {
      cluster: () => cluster,
      nodes: () => {
        throw rpcError("DeadlineExceeded", "context deadline exceeded");
      },
    },
  });
  assert.is(i.Error, "rpc error: code = DeadlineExceeded desc = context deadline exceeded");
});

const PREFIX = "You are attempting to leave the swarm on a node that is participating as a manager. ";
const SUFFIX =
  "The only way to restore a swarm that has lost consensus is to reinitialize it with `--force-new-cluster`. Use `--force` to suppress this message.";

test("leave messages for a manager, as moby builds them", () => {
  const last = managerStats([mgr("n1", "REACHABLE"), worker("w1")], "n1");
  assert.is(
    managerLeaveMessage(true, last),
    `${PREFIX}Removing the last manager erases all current state of the swarm. Use \`--force\` to ignore this message. `,
  );
  const three = managerStats([mgr("n1", "REACHABLE"), mgr("n2", "REACHABLE"), mgr("n3", "UNREACHABLE")], "n1");
  assert.is(
    managerLeaveMessage(true, three),
    `${PREFIX}Removing this node leaves 1 managers out of 3. Without a Raft quorum your swarm will be inaccessible. ${SUFFIX}`,
  );
  const healthy = managerStats([mgr("n1", "REACHABLE"), mgr("n2", "REACHABLE"), mgr("n3", "REACHABLE")], "n1");
  assert.is(managerLeaveMessage(true, healthy), `${PREFIX}${SUFFIX}`);
  assert.is(managerLeaveMessage(false, null), `${PREFIX}Doing so may lose the consensus of your cluster. ${SUFFIX}`);
});

test.run();
