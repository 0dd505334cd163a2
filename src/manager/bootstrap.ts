import { randomBytes } from "node:crypto";
import type { StoredAccountSigner } from "../bus/auth/manager-credentials.ts";
import { generateJoinToken } from "../ca/join-token.ts";
import { createNodeKeyAndCSR } from "../ca/pki/node-csr.ts";
import { signNodeCertificate } from "../ca/pki/sign-node-certificate.ts";
import { createRootCA, type SigningRootCA } from "../ca/pki/signing-root-ca.ts";
import { rootCACertHash } from "../ca/root-ca.ts";
import type { TimingProfile } from "../config/profile.ts";
import type { Node__Output } from "../gen/docker/swarmkit/v1/Node.ts";
import type { BootstrapCA } from "./api.ts";
import {
  type ClusterObject,
  DEFAULT_KEEP_OLD_SNAPSHOTS,
  DEFAULT_LOG_ENTRIES_FOR_SLOW_FOLLOWERS,
  DEFAULT_NODE_CERT_EXPIRY_MS,
  DEFAULT_SNAPSHOT_INTERVAL,
  DEFAULT_TASK_HISTORY_RETENTION_LIMIT,
  MANAGER_UNLOCK_SUBSYSTEM,
} from "./cluster-object.ts";
import type { ReplicatedStore, WriteTx } from "./store.ts";

/**
 * What the first leader creates (SK: manager/manager.go defaultClusterObject
 * and the leader's own Node): the "default" cluster with Swarm's default spec,
 * the root CA (certificate and key, as Cluster.RootCA keeps them) and both join
 * tokens, and this node as a MANAGER (cert ISSUED, status UNKNOWN until its own
 * agent registers).
 */
export function defaultClusterObject(
  clusterId: string,
  profile: TimingProfile,
  root: SigningRootCA,
  unlockKey: Buffer | null = null,
  natsSigner?: StoredAccountSigner,
): ClusterObject {
  const now = new Date().toISOString();
  return {
    id: clusterId,
    version: 0,
    createdAt: now,
    updatedAt: now,
    spec: {
      name: "default",
      orchestration: { taskHistoryRetentionLimit: DEFAULT_TASK_HISTORY_RETENTION_LIMIT },
      raft: {
        snapshotInterval: DEFAULT_SNAPSHOT_INTERVAL,
        keepOldSnapshots: DEFAULT_KEEP_OLD_SNAPSHOTS,
        logEntriesForSlowFollowers: DEFAULT_LOG_ENTRIES_FOR_SLOW_FOLLOWERS,
        heartbeatTick: profile.raftHeartbeatTicks,
        electionTick: profile.raftElectionTicks,
      },
      dispatcher: { heartbeatPeriodMs: profile.heartbeatPeriodMs },
      caConfig: { nodeCertExpiryMs: DEFAULT_NODE_CERT_EXPIRY_MS, forceRotate: 0 },
      encryptionConfig: { autoLockManagers: unlockKey !== null },
    },
    // SK defaultClusterObject: `swarm init --autolock` hands the node's new KEK to the cluster.
    unlockKeys: unlockKey ? [{ subsystem: MANAGER_UNLOCK_SUBSYSTEM, key: unlockKey }] : [],
    rootCA: {
      caCert: root.certificate,
      caKey: root.key,
      caCertHash: rootCACertHash(root.certificate),
      joinTokens: { worker: generateJoinToken(root.certificate), manager: generateJoinToken(root.certificate) },
      ...(natsSigner ? { natsSigner } : {}),
    },
  };
}

/** A Raft ID as Swarm picks one (rand.Int63()+1), as the decimal string of a uint64. */
export function newRaftId(): string {
  return String((randomBytes(8).readBigUInt64BE() >> 1n) + 1n);
}

export function managerNodeObject(opts: {
  nodeId: string;
  clusterId: string;
  hostname: string;
  addr: string;
  certificate: Buffer;
}): Node__Output {
  return {
    id: opts.nodeId,
    meta: null,
    spec: {
      annotations: { name: "", labels: {} },
      desired_role: "MANAGER",
      membership: "ACCEPTED",
      availability: "ACTIVE",
    },
    description: {
      hostname: opts.hostname,
      platform: null,
      resources: null,
      engine: null,
      tls_info: null,
      fips: false,
    },
    status: { state: "UNKNOWN", message: "", addr: "" },
    manager_status: { raft_id: newRaftId(), addr: opts.addr, leader: true, reachability: "REACHABLE" },
    certificate: {
      role: "MANAGER",
      csr: Buffer.alloc(0),
      status: { state: "ISSUED", err: "" },
      certificate: opts.certificate,
      // `swarm init` issued this manager's bus credentials itself (src/node/runtime/init.ts).
      nats_user_key: "",
      nats_user_jwt: "",
      cn: opts.nodeId,
    },
    role: "MANAGER",
  };
}

export interface BootstrapOptions {
  nodeId: string;
  clusterId: string;
  hostname: string;
  addr: string;
  profile: TimingProfile;
  /** `swarm init --autolock`: the KEK the node made, the managers' unlock key from now on. */
  unlockKey?: Buffer | null;
}

export function bootstrapCluster(tx: WriteTx, opts: BootstrapOptions, ca: BootstrapCA): void {
  if (!tx.cluster())
    tx.putCluster(defaultClusterObject(opts.clusterId, opts.profile, ca.rootCA, opts.unlockKey ?? null, ca.natsSigner));
  if (!tx.node(opts.nodeId)) tx.putNode(managerNodeObject({ ...opts, certificate: ca.nodeCertificate }));
}

/**
 * A root CA and a manager certificate for `nodeId`, for a manager started
 * without the node's own (unit tests): the key of that certificate is dropped.
 */
export async function newBootstrapCA(nodeId: string, clusterId: string): Promise<BootstrapCA> {
  const rootCA = await createRootCA();
  const { csr } = await createNodeKeyAndCSR();
  const nodeCertificate = await signNodeCertificate(rootCA, csr, { nodeId, role: "swarm-manager", clusterId });
  return { rootCA, nodeCertificate };
}

/** `swarm init`: the first leader writes the cluster object and its own node, unless the store holds the cluster. */
export async function bootstrapStore(store: ReplicatedStore, opts: BootstrapOptions, ca?: BootstrapCA): Promise<void> {
  if (store.view((tx) => tx.cluster())) return;
  const given = ca ?? (await newBootstrapCA(opts.nodeId, opts.clusterId));
  await store.update((tx) => bootstrapCluster(tx, opts, given));
}
