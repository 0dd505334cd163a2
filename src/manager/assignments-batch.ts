import type { AssignmentsMessage } from "../gen/docker/swarmkit/v1/AssignmentsMessage.ts";
import type { Task__Output } from "../gen/docker/swarmkit/v1/Task.ts";

/**
 * The Assignments stream's message sequence (SK: dispatcher.go Assignments):
 * one COMPLETE message, then INCREMENTAL ones batched with a debounce of
 * `intervalMs` and at most `limit` modifications; `results_in` counts "1",
 * "2", … and each `applies_to` is the previous `results_in`.
 */
export const MODIFICATION_BATCH_LIMIT = 100;

export class AssignmentsBatch {
  private sequence = 0;
  private readonly pending = new Map<string, Task__Output>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly send: (msg: AssignmentsMessage) => void,
    private readonly intervalMs: number,
    private readonly limit = MODIFICATION_BATCH_LIMIT,
  ) {}

  private message(type: "COMPLETE" | "INCREMENTAL", tasks: Task__Output[]): AssignmentsMessage {
    const appliesTo = this.sequence === 0 ? "" : String(this.sequence);
    this.sequence++;
    return {
      type,
      applies_to: appliesTo,
      results_in: String(this.sequence),
      changes: tasks.map((task) => ({ assignment: { task }, action: "UPDATE" })),
    };
  }

  complete(tasks: Task__Output[]): void {
    this.send(this.message("COMPLETE", tasks));
  }

  change(task: Task__Output): void {
    this.pending.set(task.id, task);
    if (this.pending.size >= this.limit) {
      this.flush();
      return;
    }
    this.timer ??= setTimeout(() => this.flush(), this.intervalMs);
  }

  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.pending.size === 0) return;
    const tasks = [...this.pending.values()];
    this.pending.clear();
    this.send(this.message("INCREMENTAL", tasks));
  }

  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.pending.clear();
  }
}
