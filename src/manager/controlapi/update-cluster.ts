import { rpcError } from "../../rpc/status.ts";
import type { ClusterInfo, UpdateClusterRequest } from "../api.ts";
import { type ClusterObject, type EncryptionKey, MANAGER_UNLOCK_SUBSYSTEM } from "../cluster-object.ts";
import { toClusterInfo } from "../cluster-view.ts";
import { generateUnlockKey } from "../deks/unlock-key.ts";
import type { Store } from "../store.ts";
import { errInvalidArgument, errSequenceConflict } from "./errors.ts";

/** ca.MinNodeCertExpiration: 1 h (Go prints it 1h0m0s). */
export const MIN_NODE_CERT_EXPIRY_MS = 3600_000;

/**
 * SK controlapi validateClusterSpec, on the fields `swarm update` sets: a
 * certificate expiry (when given, zero meaning unset) of at least 1 h, and a
 * heartbeat period that is not negative.
 */
export function validateClusterChange(change: UpdateClusterRequest["change"]): void {
  const expiry = change.nodeCertExpiryMs;
  if (expiry !== undefined && expiry !== 0 && expiry < MIN_NODE_CERT_EXPIRY_MS)
    throw rpcError("InvalidArgument", "minimum certificate expiry time is: 1h0m0s");
  if (change.heartbeatPeriodMs !== undefined && change.heartbeatPeriodMs < 0)
    throw rpcError("InvalidArgument", "heartbeat time period cannot be a negative duration");
}

/**
 * SK controlapi UpdateCluster: the cluster's spec changed at the version it was
 * read (else "update out of sequence"); every manager reads the new values from
 * the replicated cluster object (the dispatcher's heartbeat period, the Raft
 * member's snapshot settings) from then on.
 */
export function updateCluster(store: Store, req: UpdateClusterRequest): Promise<ClusterInfo> {
  if (!Number.isInteger(req.version)) return Promise.reject(errInvalidArgument());
  try {
    validateClusterChange(req.change);
  } catch (e) {
    return Promise.reject(e);
  }
  return store.update((tx) => {
    const cluster = tx.cluster();
    if (!cluster || cluster.id !== req.clusterId) throw rpcError("NotFound", `cluster ${req.clusterId} not found`);
    if (cluster.version !== req.version) throw errSequenceConflict();
    const changed = withChange(cluster, req.change);
    const unlockKeys = managerUnlockKeys(changed, req.rotation?.managerUnlockKey === true);
    return toClusterInfo(tx.putCluster({ ...changed, unlockKeys }));
  });
}

function withChange(c: ClusterObject, change: UpdateClusterRequest["change"]): ClusterObject {
  const s = c.spec;
  return {
    ...c,
    spec: {
      ...s,
      orchestration: {
        taskHistoryRetentionLimit: change.taskHistoryRetentionLimit ?? s.orchestration.taskHistoryRetentionLimit,
      },
      raft: {
        ...s.raft,
        snapshotInterval: change.snapshotInterval ?? s.raft.snapshotInterval,
        keepOldSnapshots: change.keepOldSnapshots ?? s.raft.keepOldSnapshots,
      },
      dispatcher: { heartbeatPeriodMs: change.heartbeatPeriodMs ?? s.dispatcher.heartbeatPeriodMs },
      caConfig: { ...s.caConfig, nodeCertExpiryMs: change.nodeCertExpiryMs ?? s.caConfig.nodeCertExpiryMs },
      encryptionConfig: { autoLockManagers: change.autoLockManagers ?? s.encryptionConfig.autoLockManagers },
    },
  };
}

/**
 * SK controlapi UpdateCluster's unlock keys: autolock off drops the managers'
 * key; on, it keeps the one there is, makes one when there is none, and makes
 * a new one when asked to rotate (`swarm unlock-key --rotate`).
 */
function managerUnlockKeys(c: ClusterObject, rotate: boolean): EncryptionKey[] {
  const others = (c.unlockKeys ?? []).filter((k) => k.subsystem !== MANAGER_UNLOCK_SUBSYSTEM);
  if (!c.spec.encryptionConfig.autoLockManagers) return others;
  const current = c.unlockKeys?.find((k) => k.subsystem === MANAGER_UNLOCK_SUBSYSTEM);
  const key = current && !rotate ? current.key : generateUnlockKey();
  return [...others, { subsystem: MANAGER_UNLOCK_SUBSYSTEM, key }];
}
