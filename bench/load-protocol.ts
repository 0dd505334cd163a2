import { z } from "zod";

/**
 * The IPC messages between the benchmark (parent) and the load process
 * (bench/load-agents.ts), both directions validated with zod at the edge.
 */
export const LoadConfig = z.strictObject({
  /** host:port of the manager's gRPC listener. */
  addr: z.string().min(1),
  /** The worker join token. */
  token: z.string().min(1),
  nodes: z.number().int().positive(),
  /** 0: every agent has its own gRPC channel (TCP connection), as real agents; N: the agents share N channels (plaintext only). */
  channels: z.number().int().nonnegative(),
  /** Joins (NodeCA) in flight at once. */
  joinConcurrency: z.number().int().positive(),
  /** Agents joined and registered per ramp-up batch. */
  batchSize: z.number().int().positive(),
  /** How long one batch may take to register before the run fails. */
  batchTimeoutMs: z.number().int().positive(),
  profile: z.enum(["swarm", "fast"]),
  hostnamePrefix: z.string().min(1),
  /** Open Dispatcher.Assignments after registration, as the real agent's watch does. */
  assignments: z.boolean(),
  /** Run assigned tasks: report ACCEPTED … RUNNING through UpdateTaskStatus, and report task counts. */
  tasks: z.boolean().optional(),
});
export type LoadConfig = z.infer<typeof LoadConfig>;

export const ToLoad = z.discriminatedUnion("type", [
  z.strictObject({ type: z.literal("window-start") }),
  z.strictObject({ type: z.literal("window-end") }),
  z.strictObject({ type: z.literal("stop") }),
]);
export type ToLoad = z.infer<typeof ToLoad>;

const Latency = z.strictObject({
  count: z.number(),
  p50Ms: z.number().nullable(),
  p99Ms: z.number().nullable(),
  maxMs: z.number().nullable(),
});

export const WindowStats = z.strictObject({
  heartbeat: Latency,
  heartbeatsOk: z.number(),
  heartbeatsFailed: z.number(),
  /** Error counts by "Code: message". */
  errors: z.record(z.string(), z.number()),
  /** Sessions that ended and were reopened (re-registrations) during the window. */
  sessionRestarts: z.number(),
  /** Agents holding a registered session at the end of the window. */
  registeredAtEnd: z.number(),
  /** Periods handed back by the dispatcher (ms): min and max seen. */
  periodMinMs: z.number().nullable(),
  periodMaxMs: z.number().nullable(),
});
export type WindowStats = z.infer<typeof WindowStats>;

/** Per-agent ramp-up times (ms): the distribution over every agent that got there. */
export const RampLatency = z.strictObject({
  count: z.number(),
  p50Ms: z.number().nullable(),
  p95Ms: z.number().nullable(),
  maxMs: z.number().nullable(),
});
export type RampLatency = z.infer<typeof RampLatency>;

export const FromLoad = z.discriminatedUnion("type", [
  z.strictObject({ type: z.literal("progress"), joined: z.number(), registered: z.number() }),
  z.strictObject({
    type: z.literal("registered"),
    nodeIds: z.array(z.string()),
    rampSeconds: z.number(),
    /** TRANSPORT of the load process's support/agent-channel.ts. */
    transport: z.string(),
    /** The join: NodeCA root CA download, CSR, IssueNodeCertificate with the token, NodeCertificateStatus polling. */
    join: RampLatency,
    /** Session opened (channel connect included) → first SessionMessage: the manager wrote the node READY. */
    register: RampLatency,
    /** Join request → the node READY in the manager's store (its first SessionMessage), per agent. */
    joinToReady: RampLatency,
    /** Sessions that broke during ramp-up, and why: the manager falling behind shows here first. */
    rampSessionEnds: z.number(),
    rampErrors: z.record(z.string(), z.number()),
  }),
  z.strictObject({ type: z.literal("window-stats"), stats: WindowStats }),
  /**
   * Distinct tasks seen on Assignments streams / whose RUNNING status the manager took; failed report calls.
   * `assignedAt` / `runningAt`: when the load process saw the latest of them (epoch ms, `performance.timeOrigin +
   * performance.now()`, comparable across processes), since the message itself leaves up to 100 ms later.
   */
  z.strictObject({
    type: z.literal("tasks"),
    assigned: z.number(),
    running: z.number(),
    reportErrors: z.number(),
    assignedAt: z.number(),
    runningAt: z.number(),
    /** Assignments messages and their changes received, UpdateTaskStatus calls and their updates sent, so far. */
    messages: z.number(),
    changes: z.number(),
    reportCalls: z.number(),
    updates: z.number(),
    /** The load process's GC pauses from its first task on (ms), and how many were major (mark-compact). */
    gcPauseMs: z.number(),
    majorGcs: z.number(),
  }),
  z.strictObject({ type: z.literal("failed"), message: z.string() }),
  z.strictObject({ type: z.literal("stopped") }),
]);
export type FromLoad = z.infer<typeof FromLoad>;

/** NaN (an empty sample) travels as null. */
export const finiteOrNull = (n: number): number | null => (Number.isFinite(n) ? n : null);
