import { rpcError } from "../../rpc/status.ts";
import { encodeRaftMember } from "../codec.ts";
import { MemoryStorage, RaftCore } from "../core/index.ts";
import { RaftStorage } from "../storage/index.ts";
import { isEmptySnapshot } from "../types.ts";
import { forceNewClusterLog } from "./force-new-cluster.ts";
import { MAX_INFLIGHT_MSGS, MAX_SIZE_PER_MSG, type RaftNodeStartOptions } from "./options.ts";

/** What a member starts from: its storage on disk, the log loaded in memory, and the core over it. */
export interface OpenedMember {
  readonly storage: RaftStorage;
  readonly mem: MemoryStorage;
  readonly core: RaftCore;
}

/**
 * Opens `<stateDir>/swarm/raft` and loads it: a restart from the WAL (forced
 * to a one-member cluster if asked), a new cluster (bootstrap) or an empty
 * member that waits to join. The storage is closed again if this fails.
 */
export async function openMember(opts: RaftNodeStartOptions): Promise<OpenedMember> {
  const dir = `${opts.stateDir}/swarm/raft`;
  const { storage, state } = await RaftStorage.open(dir, {
    ...(opts.dek ? { dek: opts.dek } : {}),
    ...(opts.storageFs ? { fs: opts.storageFs } : {}),
  });
  try {
    const mem = new MemoryStorage();
    if (state.snapshot && !isEmptySnapshot(state.snapshot)) mem.applySnapshot(state.snapshot);
    const forced = opts.forceNewCluster && state.metadata ? forceNewClusterLog(state, opts.self.raftId) : undefined;
    if (forced) await storage.save(forced.hardState, forced.appended);
    const hardState = forced?.hardState ?? state.hardState;
    const entries = forced ? [...forced.kept, ...forced.appended] : state.entries;
    mem.setHardState(hardState);
    if (entries.length > 0) mem.append(entries);
    if (state.metadata) {
      if (state.metadata.raftId !== opts.self.raftId || state.metadata.clusterId !== opts.clusterId) {
        throw rpcError(
          "FailedPrecondition",
          `raft storage ${dir} belongs to member ${state.metadata.raftId} of cluster ${state.metadata.clusterId}, not ${opts.self.raftId} of ${opts.clusterId}`,
        );
      }
    } else {
      await storage.create({ raftId: opts.self.raftId, clusterId: opts.clusterId, nodeId: opts.self.nodeId });
      if (opts.bootstrap) {
        RaftCore.bootstrap(mem, [opts.self.raftId], { [opts.self.raftId]: encodeRaftMember(opts.self) });
        const ents = mem.entries(mem.firstIndex(), mem.lastIndex() + 1, Number.POSITIVE_INFINITY);
        await storage.save(mem.initialState().hardState, ents);
      }
    }
    const snapIndex = mem.snapshot().metadata.index;
    const core = new RaftCore({
      id: opts.self.raftId,
      electionTick: opts.profile.raftElectionTicks,
      heartbeatTick: opts.profile.raftHeartbeatTicks,
      preVote: true,
      checkQuorum: true,
      maxSizePerMsg: MAX_SIZE_PER_MSG,
      maxInflightMsgs: MAX_INFLIGHT_MSGS,
      storage: mem,
      random: opts.random ?? Math.random,
      applied: snapIndex,
    });
    return { storage, mem, core };
  } catch (e) {
    await storage.close();
    throw e;
  }
}
