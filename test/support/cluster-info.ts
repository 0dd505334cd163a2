import type { ClusterInfo } from "../../src/manager/api.ts";

/** A cluster as the control API's clusterInfo answers it: Swarm's default spec. */
export function sampleClusterInfo(id: string): ClusterInfo {
  return {
    id,
    name: "default",
    createdAt: "2026-01-01T00:00:00Z",
    updatedAt: "2026-01-01T00:00:00Z",
    heartbeatPeriodMs: 5000,
    taskHistoryRetentionLimit: 5,
    snapshotInterval: 10000,
    keepOldSnapshots: 0,
    heartbeatTick: 1,
    electionTick: 10,
    nodeCertExpiryMs: 7_776_000_000,
    rootRotationInProgress: false,
    version: 11,
    logEntriesForSlowFollowers: 500,
    forceRotate: 0,
    autoLockManagers: false,
    trustRoot: "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
    certIssuerSubject: "MBMxETAPBgNVBAMTCHN3YXJtLWNh",
    certIssuerPublicKey: "AAAA",
  };
}
