import type { TaskStatus__Output } from "../gen/docker/swarmkit/v1/TaskStatus.ts";
import type { Log } from "../log.ts";
import { rpcError } from "../rpc/status.ts";
import { MAX_BATCH_ITEMS, MAX_CHANGES_PER_TRANSACTION } from "./node-status-batch.ts";
import type { Store } from "./store.ts";
import { taskStateOrder } from "./task-state.ts";

interface Waiter {
  resolve(): void;
  reject(e: unknown): void;
}

/**
 * The agents' task status updates, batched as SwarmKit's dispatcher does
 * (taskUpdates, flushed every maxBatchInterval or at maxBatchItems): the last
 * status queued for a task wins, and one flush writes them in transactions of
 * at most MAX_CHANGES_PER_TRANSACTION changes. A status that would move a task
 * backwards is dropped with SwarmKit's "task status invalid transition" (the
 * state is a lamport clock). Unlike SwarmKit, which answers UpdateTaskStatus
 * once the update is queued, each caller waits for the commit of its batch:
 * an acknowledged status is never lost to a leader change.
 */
export class TaskStatusBatch {
  private pending = new Map<string, TaskStatus__Output>();
  private waiters: Waiter[] = [];
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    private readonly store: Store,
    private readonly intervalMs: number,
    private readonly appliedBy: () => string,
    private readonly log: Log,
    private readonly maxItems = MAX_BATCH_ITEMS,
  ) {}

  update(updates: readonly { taskId: string; status: TaskStatus__Output }[]): Promise<void> {
    if (this.stopped) return Promise.reject(rpcError("Aborted", "dispatcher is stopped"));
    for (const u of updates) this.pending.set(u.taskId, u.status);
    return new Promise<void>((resolve, reject) => {
      this.waiters.push({ resolve, reject });
      if (this.pending.size >= this.maxItems) this.flush();
      else this.timer ??= setTimeout(() => this.flush(), this.intervalMs);
    });
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.pending.clear();
    const w = this.waiters;
    this.waiters = [];
    for (const x of w) x.reject(rpcError("Aborted", "dispatcher is stopped"));
  }

  private flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const batch = [...this.pending];
    const waiters = this.waiters;
    this.pending = new Map();
    this.waiters = [];
    const commits: Promise<unknown>[] = [];
    for (let i = 0; i < batch.length; i += MAX_CHANGES_PER_TRANSACTION) {
      commits.push(this.commit(batch.slice(i, i + MAX_CHANGES_PER_TRANSACTION)));
    }
    Promise.all(commits).then(
      () => {
        for (const w of waiters) w.resolve();
      },
      (e: unknown) => {
        for (const w of waiters) w.reject(e);
      },
    );
  }

  private commit(batch: [string, TaskStatus__Output][]): Promise<void> {
    return this.store.update((tx) => {
      const now = Date.now();
      const appliedAt = { seconds: String(Math.floor(now / 1000)), nanos: (now % 1000) * 1_000_000 };
      for (const [taskId, status] of batch) {
        const task = tx.task(taskId);
        if (!task) continue;
        const from = task.status?.state ?? "NEW";
        if (taskStateOrder(from) > taskStateOrder(status.state)) {
          this.log.warn({ taskId, from, to: status.state }, "task status invalid transition");
          continue;
        }
        tx.putTask({ ...task, status: { ...status, applied_by: this.appliedBy(), applied_at: appliedAt } });
      }
    });
  }
}
