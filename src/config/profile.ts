/**
 * Timing profiles. `swarm` is Swarm's own clock; `fast` divides every period by
 * the same factor (the Raft tick by twice that, the join's CA call timeout by
 * less), so demos and tests see the same sequences sooner. No code path differs
 * between the two: everything reads its durations from here.
 */
export interface TimingProfile {
  readonly name: ProfileName;
  /** Dispatcher: DefaultHeartBeatPeriod and defaultHeartBeatEpsilon. */
  readonly heartbeatPeriodMs: number;
  readonly heartbeatEpsilonMs: number;
  /** defaultGracePeriodMultiplier; UNKNOWN nodes get twice this. */
  readonly gracePeriodMultiplier: number;
  /** defaultRateLimitPeriod; rateLimitCount is not a duration and stays 3. */
  readonly rateLimitPeriodMs: number;
  readonly rateLimitCount: number;
  /** Agent: dispatcherRPCTimeout (dial, each heartbeat, session initiation). */
  readonly dispatcherRpcTimeoutMs: number;
  /** Agent: initialSessionFailureBackoff and maxSessionFailureBackoff. */
  readonly sessionBackoffInitialMs: number;
  readonly sessionBackoffMaxMs: number;
  /** Moby noderunner: initialReconnectDelay (doubled before first use) and maxReconnectDelay. */
  readonly reconnectDelayInitialMs: number;
  readonly reconnectDelayMaxMs: number;
  /** Moby: swarmRequestTimeout / swarmConnectTimeout. */
  readonly requestTimeoutMs: number;
  readonly joinTimeoutMs: number;
  /**
   * SK ca: the context timeout of each join call to the CA (GetRootCACertificate,
   * IssueNodeCertificate, each NodeCertificateStatus poll): 5 s.
   */
  readonly caRequestTimeoutMs: number;
  /**
   * SK ca GetCertRetryInterval (2 s): the pause after each of the 5 attempts to download the
   * root CA or to get the certificate issued. A join to a refused port is pending for these
   * 5 pauses (10 s) before it fails; one to a port that never answers for 5 × (5 s + 2 s).
   */
  readonly getCertRetryIntervalMs: number;
  /** SK ca GetRemoteSignedCertificate: the backoff between status polls (base and factor 1 s, max 30 s). */
  readonly certStatusBackoffBaseMs: number;
  readonly certStatusBackoffMaxMs: number;
  /**
   * SK TLSRenewer: a forced renewal (a role change) waits renewDelayMs (500 ms) first; a failed
   * one, or one whose certificate does not carry the expected role, is retried with
   * RenewTLSExponentialBackoff (base and factor 5 s, max 1 h).
   */
  readonly renewDelayMs: number;
  readonly renewBackoffBaseMs: number;
  readonly renewBackoffMaxMs: number;
  /**
   * SK TLSRenewer renews at a random point between 50 % and 80 % of the certificate's
   * validity, a point of the certificate's own clock (45–72 days for the default 2160 h).
   * The wait until that point is divided by this: 1 in `swarm`; in `fast`,
   * FAST_CERT_RENEWAL_WAIT_DIVISOR, so a `--cert-expiry 2h` certificate (3 h valid with
   * the 1 h backdate) renews 5–14 s after its issue, where a test can see it. The
   * certificate's validity itself is never shortened.
   */
  readonly certRenewalWaitDivisor: number;
  /** SK raft Join: the leader's health check of a joining manager's advertised address (5 s). */
  readonly raftJoinHealthCheckTimeoutMs: number;
  /** Dispatcher batching (maxBatchInterval). */
  readonly batchIntervalMs: number;
  /** Raft: TickInterval; election and heartbeat are counted in ticks. */
  readonly raftTickMs: number;
  readonly raftElectionTicks: number;
  readonly raftHeartbeatTicks: number;
  /** Role manager (SK: manager/role_manager.go): roleReconcileInterval and removalTimeout. */
  readonly roleReconcileIntervalMs: number;
  readonly roleRemovalTimeoutMs: number;
  /**
   * SK scheduler: commitDebounceGap (50 ms) and maxLatency (1 s): a pass runs after a quiet gap in
   * the store's commits, at the latest this long after the first. The orchestrators, the allocator
   * and the task reaper use the same pair (SwarmKit's act on each commit; one gap batches a burst).
   */
  readonly controlLoopDebounceMs: number;
  readonly controlLoopMaxLatencyMs: number;
  /**
   * SK api/defaults: a task's restart delay when its RestartPolicy has none (5 s); a delay in the
   * spec is used as given, in either profile.
   */
  readonly restartDelayDefaultMs: number;
  /** SK restart supervisor defaultOldTaskTimeout: a replacement waits this long at most for the old task to stop. */
  readonly restartOldTaskTimeoutMs: number;
}

export type ProfileName = "swarm" | "fast";

const swarm: TimingProfile = {
  name: "swarm",
  heartbeatPeriodMs: 5000,
  heartbeatEpsilonMs: 500,
  gracePeriodMultiplier: 3,
  rateLimitPeriodMs: 8000,
  rateLimitCount: 3,
  dispatcherRpcTimeoutMs: 5000,
  sessionBackoffInitialMs: 100,
  sessionBackoffMaxMs: 8000,
  reconnectDelayInitialMs: 100,
  reconnectDelayMaxMs: 30000,
  requestTimeoutMs: 20000,
  joinTimeoutMs: 20000,
  caRequestTimeoutMs: 5000,
  getCertRetryIntervalMs: 2000,
  certStatusBackoffBaseMs: 1000,
  certStatusBackoffMaxMs: 30000,
  renewDelayMs: 500,
  renewBackoffBaseMs: 5000,
  renewBackoffMaxMs: 3_600_000,
  certRenewalWaitDivisor: 1,
  raftJoinHealthCheckTimeoutMs: 5000,
  batchIntervalMs: 100,
  raftTickMs: 1000,
  raftElectionTicks: 10,
  raftHeartbeatTicks: 1,
  roleReconcileIntervalMs: 5000,
  roleRemovalTimeoutMs: 5000,
  controlLoopDebounceMs: 50,
  controlLoopMaxLatencyMs: 1000,
  restartDelayDefaultMs: 5000,
  restartOldTaskTimeoutMs: 60_000,
};

/** Every duration of `swarm` divided by this in `fast`. */
export const FAST_FACTOR = 10;

function scaled(p: TimingProfile, factor: number): TimingProfile {
  const out: Record<string, number | string> = { ...p, name: "fast" };
  for (const [k, v] of Object.entries(p)) {
    if (k.endsWith("Ms") && typeof v === "number") out[k] = v / factor;
  }
  return out as unknown as TimingProfile;
}

/**
 * Raft's clock in `fast` is divided by twice FAST_FACTOR: an election waits 10–20 ticks after the
 * leader's last heartbeat, so at a 100 ms tick a failover cannot finish under 1 s, the failover goal
 * of the fast profile (bench/failover.bench.ts). Elections, heartbeats and the lost-quorum timeout
 * keep their tick counts; only the tick is shorter.
 */
export const FAST_RAFT_FACTOR = FAST_FACTOR * 2;

/**
 * The join's calls to the CA in `fast` keep a 2 s timeout (the swarm profile's 5 s divided by 2.5,
 * not by FAST_FACTOR): IssueNodeCertificate is a Raft write, and a 500 ms bound would fail joins on
 * a loaded machine that are only slow. So a join to a manager that never answers is pending for
 * 5 × (2 s + 0.2 s) in `fast`, well past the 5 s join timeout (35 s past 20 s in `swarm`); a join to
 * a refused port is pending for the 5 pauses, 1 s (10 s in `swarm`).
 */
const FAST_CA_REQUEST_TIMEOUT_MS = 2_000;

/**
 * The join timeout in `fast` is 5 s (the swarm profile's 20 s divided by 4, not by FAST_FACTOR): a
 * join now makes a key, downloads the root over TLS and completes TLS handshakes before the CA can
 * even refuse a bad token, and on a loaded machine that alone outlasted 2 s, so a refusal came back
 * as "Timeout was reached before node joined" instead of the CA's answer.
 */
const FAST_JOIN_TIMEOUT_MS = 5_000;

/**
 * The renewal window is days long by design; FAST_FACTOR would leave it hours long, beyond any
 * test. `fast` compresses the wait until it by 360 (an hour of certificate time in 10 s).
 */
export const FAST_CERT_RENEWAL_WAIT_DIVISOR = 360;

export const profiles: Record<ProfileName, TimingProfile> = {
  swarm,
  fast: {
    ...scaled(swarm, FAST_FACTOR),
    raftTickMs: swarm.raftTickMs / FAST_RAFT_FACTOR,
    caRequestTimeoutMs: FAST_CA_REQUEST_TIMEOUT_MS,
    joinTimeoutMs: FAST_JOIN_TIMEOUT_MS,
    certRenewalWaitDivisor: FAST_CERT_RENEWAL_WAIT_DIVISOR,
  },
};

export function profile(name: string): TimingProfile {
  if (name === "swarm" || name === "fast") return profiles[name];
  throw new Error(`unknown timing profile "${name}" (expected "fast" or "swarm")`);
}
