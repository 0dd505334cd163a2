import { z } from "zod";
import type { ActorTransition } from "./events.ts";
import { type ApiServiceSpec, apiServiceSpec } from "./service-contract.ts";

/**
 * The CLI → daemon API on `swarmbus.daemon.<name>.<verb>` (request/reply, JSON).
 * Requests are validated with these schemas on the daemon side; a reply is
 * `{ ok: true, result }` or `{ ok: false, error: WireError }`.
 */
const hostPort = z
  .string()
  .regex(/^(\[[0-9a-fA-F:.]+\]|[\w.-]+):\d{1,5}$/, "expected HOST:PORT")
  .refine((s) => Number(s.slice(s.lastIndexOf(":") + 1)) <= 65535, "port out of range");

export const daemonRequests = {
  init: z.strictObject({
    listenAddr: hostPort.optional(),
    advertiseAddr: hostPort.optional(),
    forceNewCluster: z.boolean().optional(),
    /** `--autolock`: the managers' keys are encrypted under an unlock key. */
    autoLock: z.boolean().optional(),
  }),
  join: z.strictObject({
    /** May be empty, as docker's: the manager's CA then refuses it ("A valid join token is necessary…"). */
    token: z.string(),
    remoteAddr: hostPort,
    listenAddr: hostPort.optional(),
    advertiseAddr: hostPort.optional(),
  }),
  leave: z.strictObject({ force: z.boolean().optional() }),
  "join-token": z.strictObject({ role: z.enum(["worker", "manager"]), rotate: z.boolean().optional() }),
  info: z.strictObject({}),
  /** `swarm update`: each setting given is changed, the others kept (durations in ms). */
  "swarm.update": z.strictObject({
    taskHistoryLimit: z.number().int().optional(),
    dispatcherHeartbeatMs: z.number().optional(),
    certExpiryMs: z.number().optional(),
    snapshotInterval: z.number().int().nonnegative().optional(),
    maxSnapshots: z.number().int().nonnegative().optional(),
    autoLock: z.boolean().optional(),
    /** `swarm unlock-key --rotate`: a new managers' unlock key. */
    rotateUnlockKey: z.boolean().optional(),
  }),
  /** moby POST /swarm/unlock: the unlock key as the operator typed it (SWMKEY-1-…). */
  "swarm.unlock": z.strictObject({ key: z.string() }),
  /** moby GET /swarm/unlockkey. */
  "swarm.unlock-key": z.strictObject({}),
  /** moby GET /swarm (SwarmInspect): what `swarm ca` reads. */
  "swarm.inspect": z.strictObject({}),
  actors: z.strictObject({}),
  "node.ls": z.strictObject({}),
  "node.inspect": z.strictObject({ ref: z.string().min(1) }),
  "node.update": z.strictObject({
    ref: z.string().min(1),
    role: z.enum(["worker", "manager"]).optional(),
    availability: z.enum(["active", "pause", "drain"]).optional(),
    labelAdd: z.array(z.string()).optional(),
    labelRm: z.array(z.string()).optional(),
  }),
  "node.promote": z.strictObject({ refs: z.array(z.string().min(1)).min(1) }),
  "node.demote": z.strictObject({ refs: z.array(z.string().min(1)).min(1) }),
  "node.rm": z.strictObject({ refs: z.array(z.string().min(1)).min(1), force: z.boolean().optional() }),
  /** moby POST /services/create. */
  "service.create": z.strictObject({ spec: apiServiceSpec }),
  /** moby GET /services/{id}: by ID, name or unique ID prefix. */
  "service.inspect": z.strictObject({ ref: z.string().min(1) }),
  /** moby GET /services?status=true. */
  "service.ls": z.strictObject({}),
  /** moby POST /services/{id}/update: `version` is the Version.Index the spec was read at. */
  "service.update": z.strictObject({
    ref: z.string().min(1),
    version: z.number().int().nonnegative(),
    spec: apiServiceSpec,
  }),
  /** moby DELETE /services/{id}. */
  "service.rm": z.strictObject({ ref: z.string().min(1) }),
  /** moby GET /tasks with service and node filters (IDs), plus the names the CLI prints. */
  "task.ls": z.strictObject({
    serviceIds: z.array(z.string().min(1)).max(1000).optional(),
    nodeIds: z.array(z.string().min(1)).max(1000).optional(),
  }),
  /** The output of tasks this daemon's agent runs (what `service logs` gathers from each node). */
  "task.logs": z.strictObject({
    taskIds: z
      .array(z.string().regex(/^[0-9a-z]{1,64}$/, "expected a task ID"))
      .min(1)
      .max(1000),
    tail: z.number().int().nonnegative().optional(),
    /** Per task, the lines of each stream already read (`service logs -f` asks again from there). */
    from: z
      .record(
        z.string(),
        z.strictObject({ stdout: z.number().int().nonnegative(), stderr: z.number().int().nonnegative() }),
      )
      .optional(),
  }),
} as const;

export type DaemonVerb = keyof typeof daemonRequests;
export type DaemonRequest<V extends DaemonVerb> = z.infer<(typeof daemonRequests)[V]>;

/** moby's LocalNodeState. */
export type LocalNodeState = "inactive" | "pending" | "active" | "error" | "locked";

export interface PeerInfo {
  NodeID: string;
  Addr: string;
}

/**
 * The Swarm part of moby's types.Info (api/types/swarm/swarm.go Info) as
 * encoding/json writes it: Nodes, Managers, Cluster and Warnings carry
 * `omitempty` and are left out at zero / nil; RemoteManagers is null when nil.
 */
export interface SwarmInfo {
  NodeID: string;
  NodeAddr: string;
  LocalNodeState: LocalNodeState;
  ControlAvailable: boolean;
  Error: string;
  RemoteManagers: PeerInfo[] | null;
  Nodes?: number;
  Managers?: number;
  Cluster?: ClusterInfoJson;
  Warnings?: string[];
}

/** moby types.ClusterInfo, field for field in Go's order (see src/node/cluster-info-json.ts). */
export interface ClusterInfoJson {
  ID: string;
  Version: { Index?: number };
  CreatedAt: string;
  UpdatedAt: string;
  Spec: {
    Name: string;
    Labels: Record<string, string>;
    Orchestration: { TaskHistoryRetentionLimit: number };
    Raft: {
      SnapshotInterval?: number;
      KeepOldSnapshots: number;
      LogEntriesForSlowFollowers?: number;
      ElectionTick: number;
      HeartbeatTick: number;
    };
    /** nanoseconds, as Go's time.Duration marshals */
    Dispatcher: { HeartbeatPeriod?: number };
    CAConfig: { NodeCertExpiry?: number; ForceRotate?: number };
    TaskDefaults: Record<string, never>;
    EncryptionConfig: { AutoLockManagers: boolean };
  };
  TLSInfo: { TrustRoot?: string; CertIssuerSubject?: string; CertIssuerPublicKey?: string };
  RootRotationInProgress: boolean;
  DefaultAddrPool: string[] | null;
  SubnetSize: number;
  DataPathPort: number;
}

export interface DaemonResults {
  init: { nodeId: string; workerToken: string; advertiseAddr: string };
  join: { role: "manager" | "worker" };
  leave: Record<string, never>;
  "join-token": { role: "worker" | "manager"; token: string; advertiseAddr: string };
  info: SwarmInfo;
  "swarm.update": Record<string, never>;
  "swarm.unlock": Record<string, never>;
  /** The managers' unlock key, human readable; "" while autolock is off. */
  "swarm.unlock-key": { key: string };
  /** moby types.Swarm, cut to its ClusterInfo (the join tokens stay with `join-token`). */
  "swarm.inspect": { cluster: ClusterInfoJson };
  /** The latest published transition of each of this daemon's live actors (what a late watcher starts from). */
  actors: { actors: ActorTransition[] };
  /** docker's node ls rows come from these (see src/cli/format.ts). */
  "node.ls": { self: string; nodes: unknown[] };
  "node.inspect": { node: unknown };
  /** The ID of the updated node; or the `--label-rm` key it lacks (then nothing was updated). */
  "node.update": { id: string; missingLabel?: string };
  /** Per ref, in order: changed false when the node already had that role. Stops at the first error. */
  "node.promote": { nodes: { ref: string; changed: boolean }[] };
  "node.demote": { nodes: { ref: string; changed: boolean }[] };
  /** The refs removed, in order. Stops at the first error. */
  "node.rm": { removed: string[] };
  "service.create": { id: string };
  "service.inspect": { service: ApiService };
  "service.ls": { services: ApiService[] };
  "service.update": { id: string };
  "service.rm": { id: string };
  /** The tasks, and the names `service ps` / `node ps` print for their nodes and services. */
  "task.ls": { tasks: ApiTask[]; nodeNames: Record<string, string>; serviceNames: Record<string, string> };
  /** Per task asked for, its lines (stdout's, then stderr's); a task this node never ran has none. */
  "task.logs": {
    logs: {
      taskId: string;
      lines: { stream: "stdout" | "stderr"; line: string }[];
      /** How many lines each stream holds now: the next call's `from`. */
      total: { stdout: number; stderr: number };
    }[];
  };
}

/** moby swarm.Service and swarm.Task as src/node/service-convert.ts writes them (the CLI reads only what it prints). */
export interface ApiService {
  ID: string;
  Version: { Index?: number };
  CreatedAt: string;
  UpdatedAt: string;
  Spec: ApiServiceSpec;
  PreviousSpec?: ApiServiceSpec;
  UpdateStatus?: { State: string; StartedAt?: string; CompletedAt?: string; Message: string };
  ServiceStatus?: { RunningTasks: number; DesiredTasks: number; CompletedTasks: number };
  /**
   * Not moby's: the tasks meant to run that wait unplaced, each with the
   * scheduler's whole explanation (`service inspect` only; docker shows none).
   */
  PendingTasks?: { ID: string; Slot?: number; NodeID?: string; Err: string }[];
}

export interface ApiTask {
  ID: string;
  Version: { Index?: number };
  CreatedAt: string;
  UpdatedAt: string;
  Name?: string;
  Labels: Record<string, string>;
  Spec: ApiServiceSpec["TaskTemplate"];
  ServiceID: string;
  Slot?: number;
  NodeID?: string;
  Status: {
    Timestamp: string;
    State: string;
    Message: string;
    Err?: string;
    ContainerStatus?: { ContainerID?: string; PID?: number; ExitCode: number };
  };
  DesiredState: string;
}
