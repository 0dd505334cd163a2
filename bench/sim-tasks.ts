import { StatusReporter } from "../src/agent/status-reporter.ts";
import type { ClientSideCredentials } from "../src/ca/credentials.ts";
import type { DispatcherClient } from "../src/gen/docker/swarmkit/v1/Dispatcher.ts";
import type { TaskState } from "../src/gen/docker/swarmkit/v1/TaskState.ts";
import { toRpcError } from "../src/rpc/status.ts";
import type { SimAssignmentChange } from "./sim-assignments.ts";

/** What the scheduling benchmark counts: tasks seen on an Assignments stream, RUNNING reports the manager took. */
export interface TaskObserver {
  assigned(taskId: string): void;
  running(taskId: string): void;
  reportFailed(): void;
  /** Each Assignments message with its number of changes, and each UpdateTaskStatus call with its number of updates. */
  message(changes: number): void;
  reportCall(updates: number): void;
}

/** The states a real agent's task walks through from its assignment to a started container. */
const STARTUP = ["ACCEPTED", "PREPARING", "READY", "STARTING", "RUNNING"] as const satisfies readonly TaskState[];

/**
 * A simulated agent's executor: every task assigned to run walks ACCEPTED …
 * RUNNING at once (as soon as the event loop has read the sockets that were
 * ready), and the statuses go out through the real agent's
 * StatusReporter (SK agent/reporter.go): one UpdateTaskStatus call at a time
 * carrying the latest status of every waiting task, so statuses reported
 * while a call is in flight coalesce into the next one, as they do for a
 * real agent whose containers start faster than the manager answers.
 */
export class SimTasks {
  private readonly seen = new Set<string>();
  private sessionId = "";
  private readonly reporter: StatusReporter;

  constructor(
    client: DispatcherClient,
    creds: ClientSideCredentials,
    private readonly observer: TaskObserver,
    timeoutMs: number,
  ) {
    this.reporter = new StatusReporter(
      (updates) =>
        new Promise<void>((resolve, reject) => {
          this.observer.reportCall(updates.length);
          client.UpdateTaskStatus(
            {
              session_id: this.sessionId,
              updates: updates.map((u) => ({ task_id: u.taskId, status: u.status })),
            },
            creds.callMetadata(),
            { deadline: Date.now() + timeoutMs },
            (err) => {
              if (err) {
                this.observer.reportFailed();
                reject(toRpcError(err));
                return;
              }
              for (const u of updates) if (u.status.state === "RUNNING") this.observer.running(u.taskId);
              resolve();
            },
          );
        }),
    );
  }

  onAssignments(sessionId: string, changes: readonly SimAssignmentChange[]): void {
    this.sessionId = sessionId;
    this.observer.message(changes.length);
    const started: string[] = [];
    for (const change of changes) {
      const id = change.taskId;
      if (change.action !== "UPDATE" || id === "" || this.seen.has(id)) continue;
      if (change.desiredState !== "RUNNING") continue;
      this.seen.add(id);
      this.observer.assigned(id);
      started.push(id);
    }
    if (started.length === 0) return;
    // The tasks start once the sockets that are ready have been read (the event loop's check phase):
    // 1,000 agents share this process, and one agent's status call (grpc-js's costliest step here) must
    // not hold back the other agents' Assignments already on the wire, as it could not on a real host.
    setImmediate(() => this.start(started));
  }

  private start(ids: readonly string[]): void {
    for (const id of ids) {
      for (const state of STARTUP) {
        const now = Date.now();
        this.reporter.report(id, {
          timestamp: { seconds: String(Math.floor(now / 1000)), nanos: (now % 1000) * 1_000_000 },
          state,
          message: state.toLowerCase(),
        });
      }
    }
    this.reporter.resume();
  }

  stop(): void {
    this.reporter.stop();
  }
}
