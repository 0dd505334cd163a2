import type { SwarmInfo } from "../../bus/daemon-contract.ts";
import { humanDuration } from "./human-duration.ts";

/** The Swarm section of `docker info`, line for line as docker/cli's printSwarmInfo. */
export function formatSwarmInfo(info: SwarmInfo): string {
  const out: string[] = [` Swarm: ${info.LocalNodeState}`];
  if (info.LocalNodeState === "inactive" || info.LocalNodeState === "locked") return out.join("\n");
  out.push(`  NodeID: ${info.NodeID}`);
  if (info.Error !== "") out.push(`  Error: ${info.Error}`);
  out.push(`  Is Manager: ${info.ControlAvailable}`);
  const c = info.Cluster;
  if (c && info.ControlAvailable && info.Error === "" && info.LocalNodeState !== "error") {
    out.push(`  ClusterID: ${c.ID}`, `  Managers: ${info.Managers ?? 0}`, `  Nodes: ${info.Nodes ?? 0}`);
    if (c.DefaultAddrPool?.length) {
      // docker/cli prints each pool as " %s " (a trailing space included), then the subnet size.
      out.push(
        `  Default Address Pool:${c.DefaultAddrPool.map((p) => ` ${p} `).join("")}`,
        `  SubnetSize: ${c.SubnetSize}`,
      );
    }
    if (c.DataPathPort > 0) out.push(`  Data Path Port: ${c.DataPathPort}`);
    out.push(
      "  Orchestration:",
      `   Task History Retention Limit: ${c.Spec.Orchestration.TaskHistoryRetentionLimit}`,
      "  Raft:",
      `   Snapshot Interval: ${c.Spec.Raft.SnapshotInterval ?? 0}`,
      `   Number of Old Snapshots to Retain: ${c.Spec.Raft.KeepOldSnapshots}`,
      `   Heartbeat Tick: ${c.Spec.Raft.HeartbeatTick}`,
      `   Election Tick: ${c.Spec.Raft.ElectionTick}`,
      "  Dispatcher:",
      `   Heartbeat Period: ${humanDuration((c.Spec.Dispatcher.HeartbeatPeriod ?? 0) / 1e6)}`,
      "  CA Configuration:",
      `   Expiry Duration: ${humanDuration((c.Spec.CAConfig.NodeCertExpiry ?? 0) / 1e6)}`,
      `   Force Rotate: ${c.Spec.CAConfig.ForceRotate ?? 0}`,
      `  Autolock Managers: ${c.Spec.EncryptionConfig.AutoLockManagers}`,
      `  Root Rotation In Progress: ${c.RootRotationInProgress}`,
    );
  }
  out.push(`  Node Address: ${info.NodeAddr}`);
  const managers = (info.RemoteManagers ?? []).map((p) => p.Addr).sort();
  if (managers.length > 0) {
    out.push("  Manager Addresses:");
    for (const a of managers) out.push(`   ${a}`);
  }
  return out.join("\n");
}

/** docker prints warnings after the whole info block. */
export function formatWarnings(info: SwarmInfo): string {
  return (info.Warnings ?? []).join("\n");
}
