import type { NatsConnection } from "@nats-io/transport-node";
import type { Logger } from "pino";
import type { AnyActorRef } from "xstate";
import type { StoredAccountSigner } from "../bus/auth/manager-credentials.ts";
import type { ClientSideCredentials, ServerSideCredentials } from "../ca/credentials.ts";
import type { SigningRootCA } from "../ca/pki/signing-root-ca.ts";
import type { TimingProfile } from "../config/profile.ts";
import type { Node__Output } from "../gen/docker/swarmkit/v1/Node.ts";
import type { NodeSpec__Output } from "../gen/docker/swarmkit/v1/NodeSpec.ts";
import type { StorageFs } from "../raft/storage/index.ts";

/** Join tokens of the cluster, SWMTKN-1-<50 base 36>-<25 base 36>. */
export interface JoinTokens {
  readonly worker: string;
  readonly manager: string;
}

/** What `info` needs from the manager side (moby types.Info / ClusterInfo subset). */
export interface ClusterInfo {
  readonly id: string;
  readonly name: "default";
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly heartbeatPeriodMs: number;
  readonly taskHistoryRetentionLimit: number;
  readonly snapshotInterval: number;
  readonly keepOldSnapshots: number;
  readonly heartbeatTick: number;
  readonly electionTick: number;
  readonly nodeCertExpiryMs: number;
  readonly rootRotationInProgress: boolean;
  /** Meta.Version.Index: what `swarm update` sends back. */
  readonly version: number;
  readonly logEntriesForSlowFollowers: number;
  readonly forceRotate: number;
  readonly autoLockManagers: boolean;
  /** RootCA.CACert as text (TLSInfo.TrustRoot: what `swarm ca` prints). */
  readonly trustRoot: string;
  /** The root's subject and public key, DER in base64 (TLSInfo.CertIssuerSubject / CertIssuerPublicKey). */
  readonly certIssuerSubject: string;
  readonly certIssuerPublicKey: string;
}

/**
 * SK api.UpdateClusterRequest, cut to the settings `swarm update` changes
 * (each absent one kept); `version` is the Meta.Version.Index it was read at.
 */
export interface UpdateClusterRequest {
  readonly clusterId: string;
  readonly version: number;
  readonly change: {
    readonly taskHistoryRetentionLimit?: number;
    readonly heartbeatPeriodMs?: number;
    readonly nodeCertExpiryMs?: number;
    readonly snapshotInterval?: number;
    readonly keepOldSnapshots?: number;
    readonly autoLockManagers?: boolean;
  };
  /** SK UpdateClusterRequest.Rotation: a new managers' unlock key (`swarm unlock-key --rotate`). */
  readonly rotation?: { readonly managerUnlockKey?: boolean };
}

export interface BootstrapCA {
  readonly rootCA: SigningRootCA;
  readonly nodeCertificate: Buffer;
  /** The swarm NATS account's signer (`swarm init` on a daemon that holds it): the cluster object keeps it. */
  readonly natsSigner?: StoredAccountSigner;
}

export interface ManagerOptions {
  readonly nodeId: string;
  readonly clusterId: string;
  readonly hostname: string;
  /** host:port the gRPC server binds (default 0.0.0.0:2377; port 0 picks a free one). */
  readonly listenAddr: string;
  /** host:port other nodes dial; the port is replaced by the bound one when listenAddr's port is 0. */
  readonly advertiseAddr: string;
  /** <state-dir>/swarm: the manager's Raft data (WAL and snapshots) lives in <state-dir>/swarm/raft. */
  readonly swarmDir: string;
  readonly profile: TimingProfile;
  readonly credentials: ServerSideCredentials;
  /** Only on `swarm init`: create the cluster object, join tokens and this node's own Node. */
  readonly bootstrap: boolean;
  /**
   * With bootstrap: the root CA `swarm init` created on the node and the certificate it
   * signed for this node (SK: the node's SecurityConfig hands its RootCA to the manager).
   * Absent (unit tests), the manager creates both.
   */
  readonly bootstrapCA?: BootstrapCA;
  /** Every actor the manager starts (one node-liveness actor per node) is announced here. */
  readonly onActor?: (name: string, actor: AnyActorRef) => void;
  /** Where the manager's own actors (the role manager) log; silent when absent. */
  readonly log?: Logger;
  /**
   * The daemon's NATS connection: the Raft transport and the raft join request.
   * Without it the manager is a one-member Raft group on an in-memory transport
   * (unit tests); it cannot join other managers then.
   */
  readonly nc?: NatsConnection;
  /** How this manager dials other managers (relays to the leader, health checks): its own certificate. */
  readonly clientCredentials: ClientSideCredentials;
  /**
   * `swarm init --force-new-cluster` on a node with Raft data (SK ForceNewCluster):
   * the manager restarts as a one-member cluster that keeps the store.
   */
  readonly forceNewCluster?: boolean;
  /** This manager learned it was removed from the Raft group (demoted): the node stops it with clearData. */
  readonly onRemovedFromRaft?: () => void;
  /**
   * The Raft member stopped on a fatal error (its WAL could not be written or
   * synced, an entry could not be applied): the manager acknowledges nothing
   * more, and its owner stops it — SwarmKit's manager.Run returns the error and
   * the node exits with "manager stopped: …", which `info` shows.
   */
  readonly onFatal?: (e: Error) => void;
  /** The file operations of the Raft storage (a faulty disk in tests); node:fs by default. */
  readonly raftFs?: StorageFs;
}

/** A running manager: dispatcher + NodeCA on gRPC, node store, liveness actors. */
export interface ManagerHandle {
  /** host:port actually bound. */
  readonly listenAddr: string;
  readonly advertiseAddr: string;
  listNodes(): Node__Output[];
  /** By full ID, unique ID prefix or hostname; NotFound "node %s not found" / ambiguous as moby. */
  getNode(ref: string): Node__Output;
  joinTokens(): JoinTokens;
  /** Async since the store is replicated: resolves once the new token is committed. */
  rotateJoinToken(role: "worker" | "manager"): Promise<JoinTokens>;
  clusterInfo(): ClusterInfo;
  /** The swarm's root CA certificate (GetRootCACertificate; certificates/swarm-root-ca.crt). */
  rootCACertificate(): Buffer;
  /** Control API UpdateCluster (SK: manager/controlapi/cluster.go); errors as SwarmKit's. */
  updateCluster(req: UpdateClusterRequest): Promise<ClusterInfo>;
  /** Control API UpdateNode (SK: manager/controlapi/node.go): replaces the spec; errors as SwarmKit's. */
  updateNode(req: UpdateNodeRequest): Promise<Node__Output>;
  /** Control API RemoveNode: blacklists the node ID and deletes the node; errors as SwarmKit's. */
  removeNode(req: RemoveNodeRequest): Promise<void>;
  /** This manager leads the Raft group (and serves the dispatcher, CA signer and role manager). */
  isLeader(): boolean;
  /** This manager's Raft ID (decimal string). */
  raftId(): string;
  /**
   * Resolves once a leader is settled, or after a bound (never rejects): a manager restarted
   * among others serves before that, and its node's agent waits for it.
   */
  readonly leaderSettled?: Promise<void>;
  stop(): Promise<void>;
}

/** SK: api.UpdateNodeRequest. `version` is the `meta.version.index` the spec was read at. */
export interface UpdateNodeRequest {
  readonly nodeId: string;
  readonly version: string | undefined;
  readonly spec: NodeSpec__Output | undefined;
}

/** SK: api.RemoveNodeRequest. */
export interface RemoveNodeRequest {
  readonly nodeId: string;
  readonly force: boolean;
}

export type StartManager = (opts: ManagerOptions) => Promise<ManagerHandle>;
