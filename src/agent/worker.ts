import type { AssignmentsMessage__Output } from "../gen/docker/swarmkit/v1/AssignmentsMessage.ts";
import type { Task__Output } from "../gen/docker/swarmkit/v1/Task.ts";
import type { Log } from "../log.ts";

/** One task on this node, as the worker drives it (SK agent/task.go taskManager). */
export interface TaskHandle {
  /** The manager's latest version of the task (its desired state may have moved). */
  update(task: Task__Output): void;
  /** The task left this node's assignments: shut it down and delete what it has on disk. */
  remove(): Promise<void>;
  /** The agent stops: shut the program down, keep its record (a restarted daemon reports it). */
  stop(): Promise<void>;
}

export type TaskFactory = (task: Task__Output) => TaskHandle;

/**
 * The worker (SK agent/worker.go): the tasks the Assignments stream gives this
 * node. COMPLETE is the whole set: a task missing from it is removed.
 * INCREMENTAL adds, updates and removes tasks one change at a time. Each task
 * gets one handle, made by `factory`, for as long as it is assigned here.
 */
export class Worker {
  private readonly tasks = new Map<string, TaskHandle>();
  private readonly removing = new Set<Promise<void>>();
  private stopped = false;

  constructor(
    private readonly factory: TaskFactory,
    private readonly log: Log,
  ) {}

  apply(msg: AssignmentsMessage__Output): void {
    if (this.stopped) return;
    if (msg.type === "COMPLETE") {
      const keep = new Set<string>();
      for (const ch of msg.changes) {
        const task = ch.assignment?.task;
        if (!task || ch.action !== "UPDATE") continue;
        keep.add(task.id);
        this.assign(task);
      }
      for (const id of [...this.tasks.keys()]) if (!keep.has(id)) this.remove(id);
      return;
    }
    for (const ch of msg.changes) {
      const task = ch.assignment?.task;
      if (!task) continue;
      if (ch.action === "REMOVE") this.remove(task.id);
      else this.assign(task);
    }
  }

  /** The task IDs held now. */
  taskIds(): string[] {
    return [...this.tasks.keys()];
  }

  /** Shuts every task down (daemon stop, leave): no program of this node outlives it. */
  async stop(): Promise<void> {
    this.stopped = true;
    const handles = [...this.tasks.values()];
    this.tasks.clear();
    await Promise.allSettled([...handles.map((h) => h.stop()), ...this.removing]);
  }

  private assign(task: Task__Output): void {
    const held = this.tasks.get(task.id);
    if (held) {
      held.update(task);
      return;
    }
    this.tasks.set(task.id, this.factory(task));
  }

  private remove(taskId: string): void {
    const held = this.tasks.get(taskId);
    if (!held) return;
    this.tasks.delete(taskId);
    const done = held
      .remove()
      .catch((e: unknown) => this.log.warn({ taskId, err: String(e) }, "worker: removing a task failed"))
      .finally(() => this.removing.delete(done));
    this.removing.add(done);
  }
}
