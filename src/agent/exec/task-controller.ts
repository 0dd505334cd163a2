/**
 * SwarmKit's agent/exec Controller, for one task: the operations the task
 * machine's named actors call. Every method may be called again (Do reruns a
 * step after a cancelled context or an agent restart), so each is idempotent.
 */
export interface TaskController {
  /** Makes start run at once: checks the program and the working directory, creates the task's directory. */
  prepare(): Promise<void>;
  /** Starts the program (or finds it started, after an agent restart) and returns once it runs. */
  start(): Promise<{ pid: number }>;
  /** Resolves when the program exits 0; rejects with a TaskExitError otherwise. */
  wait(): Promise<void>;
  /** The stop signal, then SIGKILL after the stop grace period; resolves once the program is gone. */
  shutdown(): Promise<void>;
  /** SIGKILL at once; resolves once the program is gone. */
  terminate(): Promise<void>;
  /** Shuts the program down if it still runs, then deletes everything of the task on disk (record, logs). */
  remove(): Promise<void>;
  /** Drops what this instance holds in memory (pollers, listeners); the program keeps running. */
  close(): void;
}

/** The exit code SwarmKit reports when it is unknowable (a process that ended while no agent was its parent). */
export const EXIT_CODE_UNKNOWN = -1;

/**
 * A program that did not exit 0, worded as moby's executor words it
 * (`task: non-zero exit (N)`); a program killed by signal S exits 128+S, as a
 * container does. `exitCode` is what the task status carries.
 */
export class TaskExitError extends Error {
  readonly exitCode: number;
  constructor(exitCode: number, message = `task: non-zero exit (${exitCode})`) {
    super(message);
    this.name = "TaskExitError";
    this.exitCode = exitCode;
  }
}

/**
 * A program that cannot start (not found, not executable, bad working
 * directory): fatal, so the task is REJECTED when it happens in prepare.
 * `code` is the OS error code (ENOENT, EACCES, ENOTDIR…).
 */
export class TaskStartError extends Error {
  readonly code: string;
  constructor(message: string, code: string) {
    super(message);
    this.name = "TaskStartError";
    this.code = code;
  }
}
