import { z } from "zod";
import type { Node__Output } from "../../gen/docker/swarmkit/v1/Node.ts";
import type { Service__Output } from "../../gen/docker/swarmkit/v1/Service.ts";
import type { ServiceSpec__Output } from "../../gen/docker/swarmkit/v1/ServiceSpec.ts";
import type { Task__Output } from "../../gen/docker/swarmkit/v1/Task.ts";
import type { ClusterInfo, JoinTokens, RemoveNodeRequest, UpdateClusterRequest, UpdateNodeRequest } from "../api.ts";

/**
 * The control API on the bus: the calls a daemon makes to the managers
 * (SwarmKit's api.Control and raft Join, cut to what the daemon needs), the
 * zod schema of each request, and the shape of each reply's result.
 */
const hostPort = z
  .string()
  .regex(/^(\[[0-9a-fA-F:.]+\]|[\w.-]+):\d{1,5}$/, "expected HOST:PORT")
  .refine((s) => Number(s.slice(s.lastIndexOf(":") + 1)) <= 65535, "port out of range");

const nodeSpec = z.strictObject({
  annotations: z.strictObject({ name: z.string(), labels: z.record(z.string(), z.string()) }).nullable(),
  desired_role: z.enum(["WORKER", "MANAGER"]),
  membership: z.enum(["PENDING", "ACCEPTED"]),
  availability: z.enum(["ACTIVE", "PAUSE", "DRAIN"]),
});

export const controlRequests = {
  listNodes: z.strictObject({}),
  getNode: z.strictObject({ ref: z.string().min(1) }),
  updateNode: z.strictObject({
    nodeId: z.string().min(1),
    version: z.string().optional(),
    spec: nodeSpec.optional(),
  }),
  removeNode: z.strictObject({ nodeId: z.string().min(1), force: z.boolean() }),
  joinTokens: z.strictObject({}),
  rotateJoinToken: z.strictObject({ role: z.enum(["worker", "manager"]) }),
  clusterInfo: z.strictObject({}),
  updateCluster: z.strictObject({
    clusterId: z.string().min(1),
    version: z.number().int().nonnegative(),
    change: z.strictObject({
      taskHistoryRetentionLimit: z.number().int().optional(),
      heartbeatPeriodMs: z.number().optional(),
      nodeCertExpiryMs: z.number().optional(),
      snapshotInterval: z.number().int().nonnegative().optional(),
      keepOldSnapshots: z.number().int().nonnegative().optional(),
      autoLockManagers: z.boolean().optional(),
    }),
    rotation: z.strictObject({ managerUnlockKey: z.boolean().optional() }).optional(),
  }),
  /** SK CA GetUnlockKey: the managers' unlock key (base64, "" while autolock is off). */
  getUnlockKey: z.strictObject({}),
  /** SK CreateService: the spec as a protobuf ServiceSpec in base64. */
  createService: z.strictObject({ spec: z.string().min(1) }),
  /** By ID, name or unique ID prefix (moby's getService). */
  getService: z.strictObject({ ref: z.string().min(1) }),
  listServices: z.strictObject({}),
  updateService: z.strictObject({
    serviceId: z.string().min(1),
    version: z.string().regex(/^[0-9]+$/, "expected a version index"),
    spec: z.string().min(1),
  }),
  removeService: z.strictObject({ serviceId: z.string().min(1) }),
  listTasks: z.strictObject({
    serviceIds: z.array(z.string().min(1)).max(1000).optional(),
    nodeIds: z.array(z.string().min(1)).max(1000).optional(),
  }),
  /** SK raft Join: the joining manager's node ID and raft address. */
  raftJoin: z.strictObject({ nodeId: z.string().min(1), addr: hostPort }),
} as const;

export type ControlMethod = keyof typeof controlRequests;
export type ControlRequest<M extends ControlMethod> = z.infer<(typeof controlRequests)[M]>;
export const CONTROL_METHODS = Object.keys(controlRequests) as ControlMethod[];
export const isControlMethod = (m: string): m is ControlMethod => Object.hasOwn(controlRequests, m);

/** The methods that change nothing: sent twice, they do no harm (a write sent twice may meet its own effect). */
export const READ_ONLY_METHODS: ReadonlySet<ControlMethod> = new Set<ControlMethod>([
  "listNodes",
  "getNode",
  "joinTokens",
  "clusterInfo",
  "getUnlockKey",
  "getService",
  "listServices",
  "listTasks",
]);

/** A raft member as SK's api.RaftMember: Raft ID (decimal uint64), node ID, address. */
export interface RaftMemberInfo {
  readonly raftId: string;
  readonly nodeId: string;
  readonly addr: string;
}

/** SK api.JoinResponse (the shape of src/manager/raft-join.ts's RaftJoinResponse, plus the removed IDs). */
export interface RaftJoinResponse {
  readonly raftId: string;
  readonly members: readonly RaftMemberInfo[];
  readonly removedMembers?: readonly string[];
}

const member = z.strictObject({ raftId: z.string().min(1), nodeId: z.string(), addr: z.string() });
export const raftJoinResponse = z.strictObject({
  raftId: z.string().regex(/^[1-9][0-9]*$/, "expected a non-zero decimal raft ID"),
  members: z.array(member),
  removedMembers: z.array(z.string()).optional(),
});
export const joinTokens = z.strictObject({ worker: z.string(), manager: z.string() });
export const clusterInfo = z.strictObject({
  id: z.string(),
  name: z.literal("default"),
  createdAt: z.string(),
  updatedAt: z.string(),
  heartbeatPeriodMs: z.number(),
  taskHistoryRetentionLimit: z.number(),
  snapshotInterval: z.number(),
  keepOldSnapshots: z.number(),
  heartbeatTick: z.number(),
  electionTick: z.number(),
  nodeCertExpiryMs: z.number(),
  rootRotationInProgress: z.boolean(),
  version: z.number(),
  logEntriesForSlowFollowers: z.number(),
  forceRotate: z.number(),
  autoLockManagers: z.boolean(),
  trustRoot: z.string(),
  certIssuerSubject: z.string(),
  certIssuerPublicKey: z.string(),
});
export const encodedNode = z.strictObject({ node: z.string() });
export const unlockKeyResult = z.strictObject({ unlockKey: z.string() });
export const emptyResult = z.strictObject({});
export const encodedNodes = z.strictObject({ nodes: z.array(z.string()) });
export const encodedService = z.strictObject({ service: z.string() });
export const encodedServices = z.strictObject({ services: z.array(z.string()) });
export const encodedTasks = z.strictObject({ tasks: z.array(z.string()) });

/** What listTasks filters on (SK ListTasksRequest.Filters, cut down). */
export type TaskFilter = ControlRequest<"listTasks">;
export interface UpdateServiceCall {
  readonly serviceId: string;
  readonly version: string;
  readonly spec: ServiceSpec__Output;
}

type Maybe<T> = T | Promise<T>;

/** What the leader serves: ManagerHandle's control methods (pass the manager) and Raft's Join. */
export interface ControlHandlers {
  listNodes(): Maybe<Node__Output[]>;
  getNode(ref: string): Maybe<Node__Output>;
  updateNode(req: UpdateNodeRequest): Maybe<Node__Output>;
  removeNode(req: RemoveNodeRequest): Maybe<void>;
  joinTokens(): Maybe<JoinTokens>;
  rotateJoinToken(role: "worker" | "manager"): Maybe<JoinTokens>;
  clusterInfo(): Maybe<ClusterInfo>;
  updateCluster(req: UpdateClusterRequest): Maybe<ClusterInfo>;
  /** The managers' unlock key, null while autolock is off; absent (a test double): Unimplemented. */
  getUnlockKey?(): Maybe<Buffer | null>;
  /** Absent until Raft join is wired: the call then fails Unimplemented. */
  raftJoin?(req: ControlRequest<"raftJoin">): Maybe<RaftJoinResponse>;
  /** The service calls; absent (a test double): Unimplemented. */
  services?: ServiceHandlers;
}

/** SK's service and task calls of the control API. */
export interface ServiceHandlers {
  createService(spec: ServiceSpec__Output): Maybe<Service__Output>;
  getService(ref: string): Maybe<Service__Output>;
  listServices(): Maybe<Service__Output[]>;
  updateService(req: UpdateServiceCall): Maybe<Service__Output>;
  removeService(serviceId: string): Maybe<void>;
  listTasks(filter: TaskFilter): Maybe<Task__Output[]>;
}

/** What a daemon calls; every call reaches the leader through whichever manager takes it. */
export interface ControlClient {
  listNodes(): Promise<Node__Output[]>;
  getNode(ref: string): Promise<Node__Output>;
  updateNode(req: UpdateNodeRequest): Promise<Node__Output>;
  removeNode(req: RemoveNodeRequest): Promise<void>;
  joinTokens(): Promise<JoinTokens>;
  rotateJoinToken(role: "worker" | "manager"): Promise<JoinTokens>;
  clusterInfo(): Promise<ClusterInfo>;
  updateCluster(req: UpdateClusterRequest): Promise<ClusterInfo>;
  /** The managers' unlock key, null while autolock is off. */
  getUnlockKey(): Promise<Buffer | null>;
  raftJoin(req: ControlRequest<"raftJoin">): Promise<RaftJoinResponse>;
  createService(spec: ServiceSpec__Output): Promise<Service__Output>;
  getService(ref: string): Promise<Service__Output>;
  listServices(): Promise<Service__Output[]>;
  updateService(req: UpdateServiceCall): Promise<Service__Output>;
  removeService(serviceId: string): Promise<void>;
  listTasks(filter: TaskFilter): Promise<Task__Output[]>;
}
