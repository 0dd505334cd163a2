import type { TaskStatus } from "../gen/docker/swarmkit/v1/TaskStatus.ts";

export interface TaskStatusUpdate {
  readonly taskId: string;
  readonly status: TaskStatus;
}

/**
 * The agent's status reporter (SK agent/reporter.go): the latest status of
 * each task waits here until the manager took it; one UpdateTaskStatus call
 * at a time carries every waiting status, and a failed call is retried after
 * `retryMs` (with whatever is latest by then). A status reported while a call
 * is in flight goes in the next one.
 */
export class StatusReporter {
  private readonly pending = new Map<string, TaskStatus>();
  private sending = false;
  private retry: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    private readonly send: (updates: TaskStatusUpdate[]) => Promise<void>,
    private readonly retryMs = 1000,
  ) {}

  report(taskId: string, status: TaskStatus): void {
    if (this.stopped) return;
    this.pending.set(taskId, status);
    this.kick();
  }

  /** A new session: whatever waits is sent on it now rather than after the retry delay. */
  resume(): void {
    clearTimeout(this.retry);
    this.retry = undefined;
    this.kick();
  }

  /** How many statuses wait to be taken. */
  waiting(): number {
    return this.pending.size;
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.retry);
    this.pending.clear();
  }

  private kick(): void {
    if (this.sending || this.retry || this.pending.size === 0 || this.stopped) return;
    const batch = [...this.pending].map(([taskId, status]) => ({ taskId, status }));
    this.sending = true;
    this.send(batch).then(
      () => {
        this.sending = false;
        // Taken: drop each status unless a newer one replaced it meanwhile.
        for (const u of batch) if (this.pending.get(u.taskId) === u.status) this.pending.delete(u.taskId);
        this.kick();
      },
      () => {
        this.sending = false;
        if (this.stopped) return;
        this.retry = setTimeout(() => {
          this.retry = undefined;
          this.kick();
        }, this.retryMs);
      },
    );
  }
}
