import { type Actor, type AnyActorRef, createActor, fromPromise } from "xstate";
import {
  type StartedProcess,
  type TaskStateName,
  type TaskStatus,
  taskMachine,
} from "../../../machines/task.machine.ts";
import { ProcessController } from "./process-controller.ts";
import type { ProcessSpec } from "./process-spec.ts";
import type { TaskController } from "./task-controller.ts";
import { type FollowOptions, followTaskLogs } from "./task-log-follow.ts";
import { type LogLine, type ReadLogsOptions, readTaskLogs } from "./task-logs.ts";
import { taskDirOf } from "./task-record.ts";

/** A task as the agent receives it in an assignment. */
export interface RunnableTask {
  id: string;
  spec: ProcessSpec;
  desired: TaskStateName;
  /** The status the manager holds, when this agent ran the task before a restart; absent for a new one. */
  status?: TaskStatus;
}

export interface TaskRunnerOptions {
  /** Where tasks keep their files (`<state-dir>/swarm/worker/tasks`). */
  tasksDir: string;
  /** Every status change of a task, in order (the reporter sends the latest to the manager). */
  report: (taskId: string, status: TaskStatus) => void;
  /** Announces each task's actor (`task-<taskId>`) to the daemon, for events, the dashboard and Stately. */
  onActor?: (name: string, actor: AnyActorRef) => void;
  /** The controller of a task; a ProcessController by default. */
  controllerFor?: (taskId: string, spec: ProcessSpec, tasksDir: string) => TaskController;
}

interface Entry {
  actor: Actor<typeof taskMachine>;
  spec: ProcessSpec;
  controller: TaskController | null;
}

/** The actor name of a task's machine. */
export const taskActorName = (taskId: string): string => `task-${taskId}`;

/**
 * The agent's task managers (SK agent/worker.go + agent/task.go): one task
 * machine actor per task, its operations performed by the task's controller,
 * each status change handed to `report`. Desired states come from the
 * assignments; a lower one is ignored by the machine.
 */
export class TaskRunner {
  private readonly tasks = new Map<string, Entry>();
  private readonly controllerFor: (taskId: string, spec: ProcessSpec, tasksDir: string) => TaskController;

  constructor(private readonly opts: TaskRunnerOptions) {
    this.controllerFor =
      opts.controllerFor ?? ((taskId, spec, tasksDir) => new ProcessController({ taskId, spec, tasksDir }));
  }

  /** A new task gets its actor; a known one its desired state (its spec never changes). */
  assign(task: RunnableTask): void {
    const known = this.tasks.get(task.id);
    if (known !== undefined) {
      known.actor.send({ type: "DESIRED_STATE_CHANGED", desired: task.desired });
      return;
    }
    taskDirOf(this.opts.tasksDir, task.id); // refuses an id that is not a safe directory name
    const ctl = (): TaskController => {
      if (entry.controller === null) throw new Error("task: no controller");
      return entry.controller;
    };
    const machine = taskMachine.provide({
      actors: {
        resolve: fromPromise<void, { taskId: string }>(async () => {
          entry.controller ??= this.controllerFor(task.id, task.spec, this.opts.tasksDir);
        }),
        prepare: fromPromise<void, { taskId: string }>(() => ctl().prepare()),
        start: fromPromise<StartedProcess, { taskId: string }>(() => ctl().start()),
        wait: fromPromise<void, { taskId: string }>(() => ctl().wait()),
        shutdown: fromPromise<void, { taskId: string }>(() => ctl().shutdown()),
      },
      actions: {
        reportStatus: ({ context }) => this.opts.report(task.id, { ...context.status }),
      },
    });
    const actor = createActor(machine, {
      input: { taskId: task.id, desired: task.desired, ...(task.status ? { status: task.status } : {}) },
    });
    // the operations above reach the entry only once the actor has started
    const entry: Entry = { actor, spec: task.spec, controller: null };
    this.tasks.set(task.id, entry);
    this.opts.onActor?.(taskActorName(task.id), entry.actor);
    entry.actor.start();
  }

  setDesired(taskId: string, desired: TaskStateName): void {
    this.tasks.get(taskId)?.actor.send({ type: "DESIRED_STATE_CHANGED", desired });
  }

  status(taskId: string): TaskStatus | undefined {
    return this.tasks.get(taskId)?.actor.getSnapshot().context.status;
  }

  actorOf(taskId: string): AnyActorRef | undefined {
    return this.tasks.get(taskId)?.actor;
  }

  taskIds(): string[] {
    return [...this.tasks.keys()];
  }

  /**
   * A task gone from the node (desired REMOVE, or no longer assigned): its
   * actor stops, its program is shut down if it still runs, its files go.
   */
  async remove(taskId: string): Promise<void> {
    const entry = this.tasks.get(taskId);
    if (entry === undefined) return;
    this.tasks.delete(taskId);
    entry.actor.stop();
    const controller = entry.controller ?? this.controllerFor(taskId, entry.spec, this.opts.tasksDir);
    await controller.remove();
  }

  logs(taskId: string, opts?: ReadLogsOptions): Promise<LogLine[]> {
    return readTaskLogs(taskDirOf(this.opts.tasksDir, taskId), opts);
  }

  /** `service logs -f`: the task's new lines as they come; resolves with the stop function. */
  followLogs(taskId: string, onLine: (line: LogLine) => void, opts?: FollowOptions): Promise<() => void> {
    return followTaskLogs(taskDirOf(this.opts.tasksDir, taskId), onLine, opts);
  }

  /**
   * The agent stops: actors stop, programs keep running for the next start
   * to adopt (reapTasks ends them when they must not outlive the daemon).
   */
  close(): void {
    for (const entry of this.tasks.values()) {
      entry.actor.stop();
      entry.controller?.close();
    }
    this.tasks.clear();
  }
}
