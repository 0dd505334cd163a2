import { test } from "uvu";
import * as assert from "uvu/assert";
import type { Node__Output } from "../../src/gen/docker/swarmkit/v1/Node.ts";
import { swarmInfo } from "../../src/node/info.ts";
import { sampleClusterInfo } from "../support/cluster-info.ts";

/**
 * `info --format json` prints moby's types.Info.Swarm as encoding/json writes
 * it (api/types/swarm/swarm.go Info, ClusterInfo, Peer): the same names, the
 * same nesting and order, the `omitempty` zeros left out, times as Go prints them.
 */
const manager = { id: "n1", manager_status: { reachability: "REACHABLE" } } as unknown as Node__Output;
const cluster = { ...sampleClusterInfo("cccccccccccccccccccccccc0"), createdAt: "2026-01-01T00:00:00.120Z" };

test("an active manager's Swarm JSON, field for field as moby's", () => {
  const info = swarmInfo({
    state: "active",
    error: "",
    nodeId: "n1",
    remoteManagers: [{ NodeID: "n1", Addr: "127.0.0.1:2377" }],
    nodeAddr: "127.0.0.1",
    manager: { cluster: () => cluster, nodes: () => [manager] },
  });
  assert.is(
    JSON.stringify(info, null, 1),
    JSON.stringify(
      {
        NodeID: "n1",
        NodeAddr: "127.0.0.1",
        LocalNodeState: "active",
        ControlAvailable: true,
        Error: "",
        RemoteManagers: [{ NodeID: "n1", Addr: "127.0.0.1:2377" }],
        Nodes: 1,
        Managers: 1,
        Cluster: {
          ID: "cccccccccccccccccccccccc0",
          Version: { Index: 11 },
          CreatedAt: "2026-01-01T00:00:00.12Z",
          UpdatedAt: "2026-01-01T00:00:00Z",
          Spec: {
            Name: "default",
            Labels: {},
            Orchestration: { TaskHistoryRetentionLimit: 5 },
            Raft: {
              SnapshotInterval: 10000,
              KeepOldSnapshots: 0,
              LogEntriesForSlowFollowers: 500,
              ElectionTick: 10,
              HeartbeatTick: 1,
            },
            Dispatcher: { HeartbeatPeriod: 5000000000 },
            CAConfig: { NodeCertExpiry: 7776000000000000 },
            TaskDefaults: {},
            EncryptionConfig: { AutoLockManagers: false },
          },
          TLSInfo: {
            TrustRoot: cluster.trustRoot,
            CertIssuerSubject: cluster.certIssuerSubject,
            CertIssuerPublicKey: cluster.certIssuerPublicKey,
          },
          RootRotationInProgress: false,
          DefaultAddrPool: ["10.0.0.0/8"],
          SubnetSize: 24,
          DataPathPort: 4789,
        },
      },
      null,
      1,
    ),
  );
});

test("a worker's and an inactive node's Swarm JSON leave out Nodes, Managers, Cluster and Warnings", () => {
  const worker = swarmInfo({
    state: "active",
    error: "",
    nodeId: "w1",
    remoteManagers: [{ NodeID: "n1", Addr: "127.0.0.1:2377" }],
    nodeAddr: "127.0.0.2",
    manager: null,
  });
  assert.equal(Object.keys(worker), [
    "NodeID",
    "NodeAddr",
    "LocalNodeState",
    "ControlAvailable",
    "Error",
    "RemoteManagers",
  ]);
  const inactive = swarmInfo({
    state: "inactive",
    error: "",
    nodeId: null,
    remoteManagers: [],
    nodeAddr: "",
    manager: null,
  });
  assert.is(
    JSON.stringify(inactive),
    '{"NodeID":"","NodeAddr":"","LocalNodeState":"inactive","ControlAvailable":false,"Error":"","RemoteManagers":null}',
  );
});

test.run();
