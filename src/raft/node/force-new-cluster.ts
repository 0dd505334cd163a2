import { decodeConfChange, encodeConfChange } from "../codec.ts";
import { type ConfChange, type Entry, type HardState, isEmptySnapshot, type RaftId, type Snapshot } from "../types.ts";

interface LoadedLog {
  readonly hardState: HardState;
  readonly snapshot?: Snapshot | null | undefined;
  readonly entries: readonly Entry[];
}

/**
 * SwarmKit's ForceNewCluster on a loaded WAL (etcd's createConfigChangeEnts):
 * keeps the committed entries, and appends, at the current term, one
 * committed removeNode entry per other voter (and an addNode for self if it is
 * not a voter). Undefined when there is nothing to change (already alone).
 */
export function forceNewClusterLog(
  log: LoadedLog,
  self: RaftId,
): { hardState: HardState; kept: Entry[]; appended: Entry[] } | undefined {
  const commit = log.hardState.commit;
  const kept = log.entries.filter((e) => e.index <= commit);
  const voters = new Set<RaftId>(
    log.snapshot && !isEmptySnapshot(log.snapshot) ? log.snapshot.metadata.confState.voters : [],
  );
  for (const e of kept) {
    if (e.type !== "confChange") continue;
    const cc = decodeConfChange(e.data);
    if (cc.type === "addNode") voters.add(cc.nodeId);
    else if (cc.type === "removeNode") voters.delete(cc.nodeId);
  }
  const changes: ConfChange[] = [...voters]
    .filter((id) => id !== self)
    .sort()
    .map((id) => ({ type: "removeNode", nodeId: id, context: new Uint8Array(0) }));
  if (!voters.has(self)) changes.push({ type: "addNode", nodeId: self, context: new Uint8Array(0) });
  if (changes.length === 0) return undefined;
  const last = kept.at(-1)?.index ?? Math.max(commit, log.snapshot?.metadata.index ?? 0);
  const term = log.hardState.term;
  const appended: Entry[] = changes.map((cc, i) => ({
    term,
    index: last + 1 + i,
    type: "confChange",
    data: encodeConfChange(cc),
  }));
  return { hardState: { ...log.hardState, commit: last + appended.length }, kept, appended };
}
