import type { MemoryStorage } from "../core/index.ts";
import type { RaftStorage } from "../storage/index.ts";
import type { ConfState } from "../types.ts";
import type { Membership } from "./membership.ts";
import {
  DEFAULT_LOG_ENTRIES_FOR_SLOW_FOLLOWERS,
  DEFAULT_SNAPSHOT_INTERVAL,
  type RaftNodeOptions,
  type SnapshotConfig,
} from "./options.ts";
import { encodeSnapshotPayload } from "./snapshot-payload.ts";

/** The cluster spec's Raft settings now, or this node's own when there is no cluster object yet. */
export function snapshotConfig(opts: RaftNodeOptions): SnapshotConfig {
  return (
    opts.raftConfig?.() ?? {
      snapshotInterval: opts.snapshotInterval ?? DEFAULT_SNAPSHOT_INTERVAL,
      keepOldSnapshots: 0,
      logEntriesForSlowFollowers: opts.logEntriesForSlowFollowers ?? DEFAULT_LOG_ENTRIES_FOR_SLOW_FOLLOWERS,
    }
  );
}

/** The applied state a snapshot is taken of; its snapshotIndex moves to the new snapshot. */
export interface SnapshotState {
  readonly appliedIndex: number;
  snapshotIndex: number;
  readonly confState: ConfState;
}

export interface SnapshotDeps {
  readonly opts: RaftNodeOptions;
  readonly membership: Membership;
  readonly mem: MemoryStorage;
  readonly storage: RaftStorage;
  isStopped(): boolean;
}

/**
 * SwarmKit: SnapshotInterval > 0 and appliedIndex - snapshot index >= SnapshotInterval →
 * snapshot (keeping KeepOldSnapshots older files), compact keeping slow followers' entries.
 */
export async function maybeSnapshot(s: SnapshotState, d: SnapshotDeps): Promise<void> {
  const cfg = snapshotConfig(d.opts);
  const interval = cfg.snapshotInterval;
  if (d.isStopped() || interval <= 0 || s.appliedIndex - s.snapshotIndex < interval) return;
  const owner = (await d.opts.snapshotData?.()) ?? new Uint8Array(0);
  const data = encodeSnapshotPayload({
    members: d.membership.list(),
    removed: d.membership.removed(),
    data: owner,
  });
  const snap = d.mem.createSnapshot(s.appliedIndex, s.confState, data);
  await d.storage.saveSnapshot(snap, cfg.keepOldSnapshots);
  s.snapshotIndex = snap.metadata.index;
  const keep = cfg.logEntriesForSlowFollowers;
  const compactTo = s.appliedIndex - keep;
  if (compactTo > d.mem.firstIndex()) d.mem.compact(compactTo);
}
