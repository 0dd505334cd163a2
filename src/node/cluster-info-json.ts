import type { ClusterInfoJson } from "../bus/daemon-contract.ts";
import type { ClusterInfo } from "../manager/api.ts";
import { given, goTimeOfIso } from "./convert.ts";

/** Docker's default VXLAN data path port, shown in ClusterInfo. */
export const DEFAULT_DATA_PATH_PORT = 4789;
/** The address pool and subnet size a swarm initialized without --default-addr-pool shows. */
export const DEFAULT_ADDR_POOL = ["10.0.0.0/8"];
export const DEFAULT_SUBNET_SIZE = 24;

const NS_PER_MS = 1_000_000;

/**
 * moby convert.SwarmFromGRPC → types.ClusterInfo as encoding/json writes it
 * (api/types/swarm/swarm.go): fields in declaration order, `omitempty`
 * scalars left out at zero (a struct with omitempty is still written), the
 * pointer fields (TaskHistoryRetentionLimit, KeepOldSnapshots) always written,
 * durations in nanoseconds, times as Go's RFC 3339 with nanoseconds.
 */
export function clusterInfoJson(c: ClusterInfo): ClusterInfoJson {
  return {
    ID: c.id,
    Version: c.version ? { Index: c.version } : {},
    CreatedAt: goTimeOfIso(c.createdAt),
    UpdatedAt: goTimeOfIso(c.updatedAt),
    Spec: {
      Name: c.name,
      Labels: {},
      Orchestration: { TaskHistoryRetentionLimit: c.taskHistoryRetentionLimit },
      Raft: {
        ...given("SnapshotInterval", c.snapshotInterval),
        KeepOldSnapshots: c.keepOldSnapshots,
        ...given("LogEntriesForSlowFollowers", c.logEntriesForSlowFollowers),
        ElectionTick: c.electionTick,
        HeartbeatTick: c.heartbeatTick,
      },
      Dispatcher: given("HeartbeatPeriod", Math.round(c.heartbeatPeriodMs * NS_PER_MS)),
      CAConfig: {
        ...given("NodeCertExpiry", Math.round(c.nodeCertExpiryMs * NS_PER_MS)),
        ...given("ForceRotate", c.forceRotate),
      },
      TaskDefaults: {},
      EncryptionConfig: { AutoLockManagers: c.autoLockManagers },
    },
    TLSInfo: {
      ...given("TrustRoot", c.trustRoot),
      ...given("CertIssuerSubject", c.certIssuerSubject),
      ...given("CertIssuerPublicKey", c.certIssuerPublicKey),
    },
    RootRotationInProgress: c.rootRotationInProgress,
    DefaultAddrPool: [...DEFAULT_ADDR_POOL],
    SubnetSize: DEFAULT_SUBNET_SIZE,
    DataPathPort: DEFAULT_DATA_PATH_PORT,
  };
}
