import type { AnyActorRef } from "xstate";
import type { TaskStatus as MachineStatus, TaskStateName } from "../../machines/task.machine.ts";
import type { Task__Output } from "../gen/docker/swarmkit/v1/Task.ts";
import type { TaskStatus } from "../gen/docker/swarmkit/v1/TaskStatus.ts";
import type { Log } from "../log.ts";
import type { ProcessSpec } from "./exec/process-spec.ts";
import type { LogLine, ReadLogsOptions } from "./exec/task-logs.ts";
import { type RunnableTask, TaskRunner } from "./exec/task-runner.ts";
import type { TaskStatusUpdate } from "./status-reporter.ts";
import { StatusReporter } from "./status-reporter.ts";
import { Worker } from "./worker.ts";

/** The state up to which the manager decides a task's status; a task there is new to the agent. */
const MANAGER_STATES = new Set(["NEW", "PENDING", "ASSIGNED"]);

const durationMs = (d: { seconds: string; nanos: number } | null | undefined): number | undefined =>
  d ? Number(d.seconds) * 1000 + Math.floor(d.nanos / 1e6) : undefined;

/** What a task's ContainerSpec asks of its process. */
export function processSpecOf(task: Task__Output): ProcessSpec {
  const c = task.spec?.container;
  const grace = durationMs(c?.stop_grace_period);
  return {
    image: c?.image ?? "",
    command: c?.command ?? [],
    args: c?.args ?? [],
    env: c?.env ?? [],
    dir: c?.dir ?? "",
    ...(c?.stop_signal ? { stopSignal: c.stop_signal as NodeJS.Signals } : {}),
    ...(grace !== undefined ? { stopGracePeriodMs: grace } : {}),
  };
}

function runnable(task: Task__Output): RunnableTask {
  const st = task.status;
  const known = st && !MANAGER_STATES.has(st.state);
  return {
    id: task.id,
    spec: processSpecOf(task),
    desired: task.desired_state as TaskStateName,
    ...(known
      ? {
          status: {
            state: st.state as TaskStateName,
            message: st.message,
            err: st.err,
            exitCode: st.container?.exit_code ?? 0,
            pid: st.container?.pid ?? 0,
          },
        }
      : {}),
  };
}

function wireStatus(s: MachineStatus): TaskStatus {
  const now = Date.now();
  return {
    timestamp: { seconds: String(Math.floor(now / 1000)), nanos: (now % 1000) * 1_000_000 },
    state: s.state,
    message: s.message,
    err: s.err,
    container: { container_id: "", pid: s.pid, exit_code: s.exitCode },
  };
}

export interface TaskWorkOptions {
  /** `<state-dir>/swarm/worker/tasks`. */
  readonly tasksDir: string;
  /** Dispatcher.UpdateTaskStatus on the agent's session. */
  readonly send: (updates: TaskStatusUpdate[]) => Promise<void>;
  readonly onActor?: (name: string, actor: AnyActorRef) => void;
  readonly log: Log;
}

/**
 * A node's task work: the worker keeps the assigned set, the task runner one
 * task machine per task with a process behind it, the reporter sends each
 * status to the manager until it is taken.
 */
export class TaskWork {
  readonly worker: Worker;
  private readonly runner: TaskRunner;
  private readonly reporter: StatusReporter;

  constructor(opts: TaskWorkOptions) {
    this.reporter = new StatusReporter(opts.send);
    this.runner = new TaskRunner({
      tasksDir: opts.tasksDir,
      report: (taskId, status) => this.reporter.report(taskId, wireStatus(status)),
      ...(opts.onActor ? { onActor: opts.onActor } : {}),
    });
    this.worker = new Worker((task) => {
      this.runner.assign(runnable(task));
      return {
        update: (t) => this.runner.setDesired(t.id, t.desired_state as TaskStateName),
        remove: () => this.runner.remove(task.id),
        // Nothing per task: close() stops every actor at once, and the node reaps the programs.
        stop: async () => {},
      };
    }, opts.log);
  }

  /** A (new) session is registered: what waits is reported on it now. */
  sessionRegistered(): void {
    this.reporter.resume();
  }

  logs(taskId: string, opts?: ReadLogsOptions): Promise<LogLine[]> {
    return this.runner.logs(taskId, opts);
  }

  taskIds(): string[] {
    return this.runner.taskIds();
  }

  /**
   * The agent's run ends: the actors stop, the programs keep running for the
   * next run to take back (its COMPLETE assignments resume each task from the
   * status the manager holds). A daemon stop or a leave then ends them all
   * with reapTasks, as dockerd stops its containers.
   */
  async close(): Promise<void> {
    await this.worker.stop();
    this.runner.close();
    this.reporter.stop();
  }
}
