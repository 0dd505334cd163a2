import type { ClientSideCredentials } from "../ca/credentials.ts";
import type { RaftNode } from "../raft/node/index.ts";
import { Code, RpcError, rpcError, toRpcError } from "../rpc/status.ts";
import type { ManagerOptions } from "./api.ts";
import { newRaftId } from "./bootstrap.ts";
import { controlClient, type RaftJoinResponse } from "./control-bus/index.ts";
import { checkHealth } from "./health-check.ts";
import type { ReplicatedStore } from "./store.ts";

/**
 * SwarmKit's raft Join, both sides (manager/state/raft/raft.go Join,
 * checkHealth, updateNodeBlocking; joinCluster): the joiner asks over the
 * control bus; the leader checks the joiner's advertised address, then adds it
 * (or, for a member, only updates its address).
 */

/** SK checkHealth's wrap of a failed health check: the Join fails with this, as Unknown. */
export const HEALTH_CHECK_FAILED = "could not connect to prospective new cluster member using its advertised address";

/** SK checkHealth when the joiner answers, but not SERVING. */
const HEALTH_CHECK_STATUS = "health check returned status ";

/** The joiner side (SK joinCluster): asks until a leader answers or the join timeout passes. */
export async function joinRaft(opts: ManagerOptions, addr: string): Promise<RaftJoinResponse> {
  const nc = opts.nc;
  if (!nc) throw rpcError("FailedPrecondition", "manager: joining other managers needs the NATS connection");
  const deadline = Date.now() + opts.profile.joinTimeoutMs;
  let last: RpcError = rpcError("DeadlineExceeded", "context deadline exceeded");
  for (;;) {
    try {
      const timeoutMs = Math.max(1, Math.min(opts.profile.requestTimeoutMs, deadline - Date.now()));
      return await controlClient(nc, opts.clusterId, { timeoutMs, caller: opts.nodeId }).raftJoin({
        nodeId: opts.nodeId,
        addr,
      });
    } catch (e) {
      last = toRpcError(e);
      // Refusals that waiting cannot fix end the join at once (SwarmKit makes one Join call; the
      // retries here only ride out a leader that is not known yet or changing).
      if (last.code === Code.PermissionDenied || last.code === Code.InvalidArgument || isHealthCheckFailure(last)) {
        throw last;
      }
    }
    if (Date.now() >= deadline) throw last;
    await new Promise((r) => setTimeout(r, opts.profile.raftTickMs));
  }
}

function isHealthCheckFailure(e: RpcError): boolean {
  return (
    e.code === Code.Unknown &&
    (e.message.startsWith(`${HEALTH_CHECK_FAILED}: `) || e.message.startsWith(HEALTH_CHECK_STATUS))
  );
}

/**
 * SK manager.Run: a raft start that fails is "can't initialize raft node: <err>"; moby
 * prints the whole chain as plain text (the inner gRPC status included).
 */
export function raftInitError(e: unknown): RpcError {
  return new RpcError(Code.Unknown, `can't initialize raft node: ${toRpcError(e).grpcText}`, { plain: true });
}

export interface AnswerJoinDeps {
  readonly raft: RaftNode;
  readonly store: ReplicatedStore;
  /** How the leader dials the joiner for the health check (its own identity). */
  readonly credentials: ClientSideCredentials;
  /** The health check's timeout (SwarmKit: 5 s). */
  readonly healthCheckTimeoutMs: number;
}

/**
 * The leader's answers to raft joins, one at a time: SK raft.Join holds membershipLock
 * from its first look at the memberlist to the applied addNode. A joiner whose call timed
 * out asks again while its first join may still be being answered; the second answer
 * must find the first one's member. Side by side, it took a second Raft ID for the same
 * node, and its addNode failed ("propose configuration change refused": one conf change
 * pending at a time) or, proposed after the first was applied, added a member that never
 * runs (the joiner runs under the first ID), counted in every quorum from then on.
 */
export function answerJoins(d: AnswerJoinDeps): (req: { nodeId: string; addr: string }) => Promise<RaftJoinResponse> {
  let last: Promise<unknown> = Promise.resolve();
  return (req) => {
    const answered = last.then(() => answerJoin(d, req));
    last = answered.catch(() => {});
    return answered;
  };
}

/**
 * SK raft.Join on the leader: authorize; health-check the joiner's advertised
 * address; a member only gets its address updated (same Raft ID); a new one a
 * fresh Raft ID and an addNode. Answers with the memberlist.
 */
async function answerJoin(d: AnswerJoinDeps, req: { nodeId: string; addr: string }): Promise<RaftJoinResponse> {
  if (!/^[^:\s]+:[0-9]{1,5}$/.test(req.addr) && !/^\[[0-9a-fA-F:.]+\]:[0-9]{1,5}$/.test(req.addr)) {
    throw rpcError("InvalidArgument", `invalid address ${req.addr} in raft join request`);
  }
  const node = d.store.view((tx) => tx.node(req.nodeId));
  if (node?.role !== "MANAGER") {
    throw rpcError("PermissionDenied", "Permission denied: unauthorized peer role: swarm-worker");
  }
  // No configuration change for a member that cannot be reached back at its address.
  let status: string;
  try {
    status = await checkHealth(req.addr, {
      service: "Raft",
      timeoutMs: d.healthCheckTimeoutMs,
      credentials: d.credentials,
    });
  } catch (e) {
    throw rpcError("Unknown", `${HEALTH_CHECK_FAILED}: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (status !== "SERVING") throw rpcError("Unknown", `${HEALTH_CHECK_STATUS}${status}`);
  const raft = d.raft;
  const members = () => raft.members().map((s) => s.member);
  const answer = (raftId: string): RaftJoinResponse => ({
    raftId,
    members: members(),
    removedMembers: raft.removedIds(),
  });
  const existing = members().find((m) => m.nodeId === req.nodeId);
  if (existing) {
    if (existing.addr !== req.addr) await raft.updateMember(existing.raftId, req.addr);
    return answer(existing.raftId);
  }
  const used = new Set([...members().map((m) => m.raftId), ...raft.removedIds()]);
  let id = newRaftId();
  while (used.has(id)) id = newRaftId();
  await raft.addMember({ raftId: id, nodeId: req.nodeId, addr: req.addr });
  return answer(id);
}
