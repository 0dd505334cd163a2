import { test } from "uvu";
import * as assert from "uvu/assert";
import type { SwarmInfo } from "../../src/bus/daemon-contract.ts";
import { humanDuration } from "../../src/cli/format/human-duration.ts";
import { formatSwarmInfo } from "../../src/cli/format/info.ts";
import { formatNodeLs, NodeRow } from "../../src/cli/format/node-ls.ts";

const ns = (ms: number) => ms * 1e6;

const activeManager: SwarmInfo = {
  NodeID: "v8x9dfvnaq5jhmsp4icfihr7n",
  NodeAddr: "192.168.99.100",
  LocalNodeState: "active",
  ControlAvailable: true,
  Error: "",
  RemoteManagers: [{ NodeID: "v8x9dfvnaq5jhmsp4icfihr7n", Addr: "192.168.99.100:2377" }],
  Nodes: 1,
  Managers: 1,
  Cluster: {
    ID: "x9ac70jqkgt1mqzzet9sldpfl",
    Version: { Index: 10 },
    CreatedAt: "",
    UpdatedAt: "",
    Spec: {
      Name: "default",
      Labels: {},
      Orchestration: { TaskHistoryRetentionLimit: 5 },
      Raft: { SnapshotInterval: 10000, KeepOldSnapshots: 0, ElectionTick: 10, HeartbeatTick: 1 },
      Dispatcher: { HeartbeatPeriod: ns(5000) },
      CAConfig: { NodeCertExpiry: ns(2160 * 3600 * 1000) },
      TaskDefaults: {},
      EncryptionConfig: { AutoLockManagers: false },
    },
    TLSInfo: {},
    RootRotationInProgress: false,
    DefaultAddrPool: ["10.0.0.0/8"],
    SubnetSize: 24,
    DataPathPort: 4789,
  },
};

test("info of an active manager matches docker info's Swarm section", () => {
  assert.is(
    formatSwarmInfo(activeManager),
    [
      " Swarm: active",
      "  NodeID: v8x9dfvnaq5jhmsp4icfihr7n",
      "  Is Manager: true",
      "  ClusterID: x9ac70jqkgt1mqzzet9sldpfl",
      "  Managers: 1",
      "  Nodes: 1",
      "  Default Address Pool: 10.0.0.0/8 ",
      "  SubnetSize: 24",
      "  Data Path Port: 4789",
      "  Orchestration:",
      "   Task History Retention Limit: 5",
      "  Raft:",
      "   Snapshot Interval: 10000",
      "   Number of Old Snapshots to Retain: 0",
      "   Heartbeat Tick: 1",
      "   Election Tick: 10",
      "  Dispatcher:",
      "   Heartbeat Period: 5 seconds",
      "  CA Configuration:",
      "   Expiry Duration: 3 months",
      "   Force Rotate: 0",
      "  Autolock Managers: false",
      "  Root Rotation In Progress: false",
      "  Node Address: 192.168.99.100",
      "  Manager Addresses:",
      "   192.168.99.100:2377",
    ].join("\n"),
  );
});

test("inactive prints only the state; an error hides the cluster block", () => {
  assert.is(formatSwarmInfo({ ...activeManager, LocalNodeState: "inactive" }), " Swarm: inactive");
  const quorumLost = formatSwarmInfo({ ...activeManager, Error: "rpc error: code = Unknown desc = x" });
  assert.ok(quorumLost.includes("  Error: rpc error: code = Unknown desc = x\n  Is Manager: true\n  Node Address:"));
  assert.not.ok(quorumLost.includes("ClusterID"));
  const worker = formatSwarmInfo({ ...activeManager, ControlAvailable: false, Cluster: undefined });
  assert.ok(worker.includes("  Is Manager: false\n  Node Address: 192.168.99.100\n  Manager Addresses:"));
});

test("durations read as go-units prints them", () => {
  assert.is(humanDuration(500), "Less than a second");
  assert.is(humanDuration(1000), "1 second");
  assert.is(humanDuration(90_000), "About a minute");
  assert.is(humanDuration(3 * 3_600_000), "3 hours");
  assert.is(humanDuration(20 * 365 * 24 * 3_600_000), "20 years");
});

test("node ls has docker's columns, sorts by hostname and stars self", () => {
  const nodes = [
    {
      ID: "b".repeat(25),
      Description: { Hostname: "w10", Engine: { EngineVersion: "0.1.0" } },
      Spec: { Availability: "active" },
      Status: { State: "down" },
    },
    {
      ID: "a".repeat(25),
      Description: { Hostname: "m1", Engine: { EngineVersion: "0.1.0" } },
      Spec: { Availability: "active" },
      Status: { State: "ready" },
      ManagerStatus: { Leader: true, Reachability: "reachable" },
    },
    {
      ID: "c".repeat(25),
      Description: { Hostname: "w2", Engine: { EngineVersion: "0.1.0" } },
      Spec: { Availability: "drain" },
      Status: { State: "ready" },
    },
  ].map((n) => NodeRow.parse(n));
  const lines = formatNodeLs(nodes, "a".repeat(25)).split("\n");
  assert.is(lines[0], `ID${" ".repeat(28)}HOSTNAME   STATUS    AVAILABILITY   MANAGER STATUS   ENGINE VERSION`);
  assert.is(lines[1], `${"a".repeat(25)} *   m1         Ready     Active         Leader           0.1.0`);
  assert.is(lines[2], `${"c".repeat(25)}     w2         Ready     Drain                           0.1.0`);
  assert.is(lines[3], `${"b".repeat(25)}     w10        Down      Active                          0.1.0`);
  assert.is(formatNodeLs(nodes, "", true), ["a", "c", "b"].map((x) => x.repeat(25)).join("\n"));
});

test.run();
