import type { Store, WriteTx } from "../store.ts";
import type { TaskChange } from "./task-changes.ts";

/** SK store.Batch's MaxChangesPerTransaction: one Raft entry holds at most this many changes. */
export const MAX_CHANGES_PER_TRANSACTION = 200;

const versionOf = (t: { meta: { version: { index: string } | null } | null }): string => t.meta?.version?.index ?? "";

/** Applies one change if the store still holds what it was decided on; true when written. */
export function applyChange(tx: WriteTx, c: TaskChange): boolean {
  switch (c.op) {
    case "create":
      if (tx.task(c.task.id)) return false;
      tx.putTask(c.task);
      return true;
    case "update": {
      const cur = tx.task(c.base.id);
      if (!cur || versionOf(cur) !== versionOf(c.base)) return false;
      tx.putTask(c.task);
      return true;
    }
    case "delete": {
      const cur = tx.task(c.base.id);
      if (!cur || versionOf(cur) !== versionOf(c.base)) return false;
      tx.deleteTask(c.base.id);
      return true;
    }
  }
}

/**
 * Writes a pass's changes in transactions of at most MAX_CHANGES_PER_TRANSACTION
 * (one Raft entry each, in order, all proposed at once: the store pipelines
 * them); resolves with how many were written once all are settled, or rejects
 * with the first failure. `extraCheck` can refuse a change inside the
 * transaction (the scheduler's node-version check).
 */
export async function writeChanges(
  store: Store,
  changes: readonly TaskChange[],
  extraCheck?: (tx: WriteTx, c: TaskChange) => boolean,
): Promise<number> {
  const writes: Promise<number>[] = [];
  for (let i = 0; i < changes.length; i += MAX_CHANGES_PER_TRANSACTION) {
    const chunk = changes.slice(i, i + MAX_CHANGES_PER_TRANSACTION);
    writes.push(
      store.update((tx) => {
        let n = 0;
        for (const c of chunk) if ((extraCheck?.(tx, c) ?? true) && applyChange(tx, c)) n++;
        return n;
      }),
    );
  }
  let written = 0;
  for (const r of await Promise.allSettled(writes)) {
    if (r.status === "rejected") throw r.reason;
    written += r.value;
  }
  return written;
}
