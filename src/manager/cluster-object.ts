import type { StoredAccountSigner } from "../bus/auth/manager-credentials.ts";

/**
 * The cluster object (SK: api/objects.proto Cluster, cut to what swarmbus uses),
 * as the store keeps it. Bytes are Buffers; durations in milliseconds.
 */
export interface ClusterObject {
  readonly id: string;
  readonly version: number;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly spec: {
    readonly name: "default";
    readonly orchestration: { readonly taskHistoryRetentionLimit: number };
    readonly raft: {
      readonly snapshotInterval: number;
      readonly keepOldSnapshots: number;
      readonly logEntriesForSlowFollowers: number;
      readonly heartbeatTick: number;
      readonly electionTick: number;
    };
    readonly dispatcher: { readonly heartbeatPeriodMs: number };
    readonly caConfig: { readonly nodeCertExpiryMs: number; readonly forceRotate: number };
    readonly encryptionConfig: { readonly autoLockManagers: boolean };
  };
  readonly rootCA: {
    readonly caCert: Buffer;
    /** The root's signing key, PKCS#8 PEM (Cluster.RootCA.CAKey): every manager can sign once it leads. */
    readonly caKey: Buffer;
    readonly caCertHash: string;
    readonly joinTokens: { readonly worker: string; readonly manager: string };
    /**
     * swarmbus: the swarm NATS account's signer (public key + signing seed), kept as
     * the CA key is, so the leader issues every manager's bus credentials (a user JWT
     * for the node's nkey) with its certificate. Absent in a cluster made without
     * one: its managers then share their daemon's bus connection.
     */
    readonly natsSigner?: StoredAccountSigner;
  };
  /**
   * Cluster.BlacklistedCertificates: node IDs removed from the swarm, with the
   * NotAfter of their certificate (ISO time; null when it could not be read).
   * Absent in clusters written before node removal existed.
   */
  readonly blacklistedCertificates?: Readonly<Record<string, { readonly expiry: string | null }>>;
  /**
   * Cluster.UnlockKeys: the managers' unlock key (subsystem `swarm-manager`),
   * present while autolock is on. Absent in clusters written before autolock.
   */
  readonly unlockKeys?: readonly EncryptionKey[];
}

/** SK api.EncryptionKey, cut to what UnlockKeys holds. */
export interface EncryptionKey {
  readonly subsystem: string;
  readonly key: Buffer;
}

/** ca.ManagerRole: the subsystem of the managers' unlock key. */
export const MANAGER_UNLOCK_SUBSYSTEM = "swarm-manager";

/** The managers' KEK: the unlock key while autolock is on, else null. */
export function managerUnlockKey(c: ClusterObject): Buffer | null {
  if (!c.spec.encryptionConfig.autoLockManagers) return null;
  return c.unlockKeys?.find((k) => k.subsystem === MANAGER_UNLOCK_SUBSYSTEM)?.key ?? null;
}

/** ca.DefaultNodeCertExpiration = 2160h. */
export const DEFAULT_NODE_CERT_EXPIRY_MS = 2160 * 3600 * 1000;
export const DEFAULT_TASK_HISTORY_RETENTION_LIMIT = 5;
export const DEFAULT_SNAPSHOT_INTERVAL = 10000;
export const DEFAULT_KEEP_OLD_SNAPSHOTS = 0;
export const DEFAULT_LOG_ENTRIES_FOR_SLOW_FOLLOWERS = 500;
