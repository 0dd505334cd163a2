import { generateJoinToken } from "../ca/join-token.ts";
import { tlsInfoOf } from "../ca/pki/tls-info.ts";
import { rpcError } from "../rpc/status.ts";
import type { ClusterInfo, JoinTokens } from "./api.ts";
import { type ClusterObject, managerUnlockKey } from "./cluster-object.ts";
import type { ReplicatedStore } from "./store.ts";

/** What `info` shows of the cluster object (moby ClusterInfo). */
export function toClusterInfo(c: ClusterObject): ClusterInfo {
  const tls = tlsInfoOf(c.rootCA.caCert);
  return {
    id: c.id,
    name: c.spec.name,
    createdAt: c.createdAt,
    updatedAt: c.updatedAt,
    heartbeatPeriodMs: c.spec.dispatcher.heartbeatPeriodMs,
    taskHistoryRetentionLimit: c.spec.orchestration.taskHistoryRetentionLimit,
    snapshotInterval: c.spec.raft.snapshotInterval,
    keepOldSnapshots: c.spec.raft.keepOldSnapshots,
    heartbeatTick: c.spec.raft.heartbeatTick,
    electionTick: c.spec.raft.electionTick,
    nodeCertExpiryMs: c.spec.caConfig.nodeCertExpiryMs,
    rootRotationInProgress: false,
    version: c.version,
    logEntriesForSlowFollowers: c.spec.raft.logEntriesForSlowFollowers,
    forceRotate: c.spec.caConfig.forceRotate,
    autoLockManagers: c.spec.encryptionConfig.autoLockManagers,
    trustRoot: c.rootCA.caCert.toString("utf8"),
    // moby SwarmFromGRPC: the issuer of the cluster's certificates, parsed from the root.
    certIssuerSubject: tls?.certIssuerSubject.toString("base64") ?? "",
    certIssuerPublicKey: tls?.certIssuerPublicKey.toString("base64") ?? "",
  };
}

/** The cluster object's questions of the control API: info, join tokens and their rotation, the root CA. */
export class ClusterView {
  constructor(private readonly store: ReplicatedStore) {}

  info(): ClusterInfo {
    return toClusterInfo(this.cluster());
  }

  joinTokens(): JoinTokens {
    return { ...this.cluster().rootCA.joinTokens };
  }

  /** Resolves once the new token is committed. */
  async rotateJoinToken(role: "worker" | "manager"): Promise<JoinTokens> {
    const updated = await this.store.update((tx) => {
      const c = tx.cluster();
      if (!c) throw rpcError("NotFound", "cluster not found");
      const token = generateJoinToken(c.rootCA.caCert);
      return tx.putCluster({
        ...c,
        rootCA: { ...c.rootCA, joinTokens: { ...c.rootCA.joinTokens, [role]: token } },
      });
    });
    return { ...updated.rootCA.joinTokens };
  }

  /** SK CAServer.GetUnlockKey: the managers' unlock key, null while autolock is off. */
  unlockKey(): Buffer | null {
    return managerUnlockKey(this.cluster());
  }

  /** The swarm's root CA certificate (what GetRootCACertificate serves; swarm-root-ca.crt). */
  rootCACertificate(): Buffer {
    return this.cluster().rootCA.caCert;
  }

  private cluster(): ClusterObject {
    const c = this.store.view((tx) => tx.cluster());
    if (!c) throw rpcError("Unavailable", "cluster object not found");
    return c;
  }
}
