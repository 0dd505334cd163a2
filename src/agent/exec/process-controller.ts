import { type ChildProcess, spawn } from "node:child_process";
import { closeSync, openSync } from "node:fs";
import { mkdir, rm, stat } from "node:fs/promises";
import { constants } from "node:os";
import { join } from "node:path";
import { isSameProcessAlive, killGroupRemains, type ProcStat, readProcStatSync, signalGroup } from "./proc-stat.ts";
import {
  argvOf,
  DEFAULT_STOP_GRACE_PERIOD_MS,
  DEFAULT_STOP_SIGNAL,
  envOf,
  type ProcessSpec,
  specHash,
  workdirOf,
} from "./process-spec.ts";
import { lookPath } from "./program-lookup.ts";
import { EXIT_CODE_UNKNOWN, type TaskController, TaskExitError, TaskStartError } from "./task-controller.ts";
import { type ProcessRecord, readRecord, STDERR_FILE, STDOUT_FILE, taskDirOf, writeRecord } from "./task-record.ts";

export interface ProcessControllerOptions {
  taskId: string;
  spec: ProcessSpec;
  /** Where the agent keeps its tasks (`<state-dir>/swarm/worker/tasks`); this task's files go in `<tasksDir>/<taskId>/`. */
  tasksDir: string;
  /** How often a process this agent did not spawn is checked for its end (it cannot be waited on). */
  adoptPollMs?: number;
}

/** How an exit is known: the code of a child, or nothing for an adopted process (not our child). */
type Exit = { exitCode: number } | { exitCode: null; pid: number };

/** What a restarted agent finds of a task's process. */
export type Adoption = { found: "running"; pid: number } | { found: "gone"; pid: number | null; reason: string };

/**
 * A task as an OS process, behind SwarmKit's controller interface.
 *
 * - The program runs in its own process group (detached), so shutdown and
 *   terminate reach every process it started; when the program itself ends,
 *   whatever is left of its group is killed, as a container's processes end
 *   with its init.
 * - stdout and stderr are appended to the task's `stdout.log` / `stderr.log`
 *   by the program itself: they keep filling while the agent restarts.
 * - `process.json` (pid, start time, spec hash) is written atomically once the
 *   program runs; a new controller on the same directory adopts the process
 *   (`adopt`, or `start` finding it) instead of starting a second one. A process
 *   that is not our child cannot be waited on: its end is found by polling
 *   /proc, and its exit code is unknown — wait rejects with exit code -1 and a
 *   message that says so.
 */
export class ProcessController implements TaskController {
  readonly taskId: string;
  readonly taskDir: string;
  private readonly spec: ProcessSpec;
  private readonly adoptPollMs: number;
  private program: string | null = null;
  private pid: number | null = null;
  private startTime: string | null = null;
  private exited: Promise<Exit> | null = null;
  private ended = false;
  private closed = false;
  private pollTimer: NodeJS.Timeout | null = null;
  private starting: Promise<{ pid: number }> | null = null;

  constructor(opts: ProcessControllerOptions) {
    this.taskId = opts.taskId;
    this.spec = opts.spec;
    this.taskDir = taskDirOf(opts.tasksDir, opts.taskId);
    this.adoptPollMs = opts.adoptPollMs ?? 500;
  }

  async prepare(): Promise<void> {
    const workdir = workdirOf(this.spec);
    await checkWorkdir(workdir);
    const argv = argvOf(this.spec);
    this.program = await lookPath(argv[0] ?? "", envOf(this.spec).PATH ?? "", workdir);
    await mkdir(this.taskDir, { recursive: true, mode: 0o700 });
  }

  /**
   * One start at a time, and shutdown waits for it: a task told to shut down
   * while its program is being spawned must not leave that program running.
   */
  start(): Promise<{ pid: number }> {
    this.starting ??= this.startOnce().finally(() => {
      this.starting = null;
    });
    return this.starting;
  }

  private async startOnce(): Promise<{ pid: number }> {
    if (this.pid !== null) return { pid: this.pid };
    // started before this agent restarted: the same process, not a second one
    const adopted = await this.adopt();
    if (adopted.found === "running" || adopted.pid !== null) return { pid: adopted.pid ?? 0 };
    if (this.program === null) await this.prepare();
    const program = this.program as string;
    const argv = argvOf(this.spec);
    const out = openSync(join(this.taskDir, STDOUT_FILE), "a", 0o600);
    const err = openSync(join(this.taskDir, STDERR_FILE), "a", 0o600);
    let child: ChildProcess;
    let st: ProcStat | null = null;
    try {
      child = spawn(program, argv.slice(1), {
        argv0: argv[0],
        cwd: workdirOf(this.spec),
        env: envOf(this.spec),
        detached: true,
        stdio: ["ignore", out, err],
      });
      await new Promise<void>((resolve, reject) => {
        child.once("spawn", () => {
          // before the loop turns: a program that ends at once is still a zombie here, not reaped yet
          st = readProcStatSync(child.pid as number);
          resolve();
        });
        child.once("error", reject);
      });
    } catch (e) {
      const ne = e as NodeJS.ErrnoException;
      throw new TaskStartError(`starting process failed: ${ne.message}`, ne.code ?? "EIO");
    } finally {
      closeSync(out);
      closeSync(err);
    }
    const pid = child.pid as number;
    child.on("error", () => {}); // a failed kill of an ended child is not the task's error
    this.pid = pid;
    this.startTime = (st as ProcStat | null)?.startTime ?? null;
    this.exited = new Promise<Exit>((resolve) => {
      const onExit = (code: number | null, signal: NodeJS.Signals | null) => {
        this.ended = true;
        void killGroupRemains(pid, this.startTime).finally(() =>
          resolve({ exitCode: code ?? 128 + (signal === null ? 0 : constants.signals[signal]) }),
        );
      };
      if (child.exitCode !== null || child.signalCode !== null) onExit(child.exitCode, child.signalCode);
      else child.once("exit", onExit);
    });
    if (this.startTime !== null) {
      const record: ProcessRecord = {
        taskId: this.taskId,
        pid,
        startTime: this.startTime,
        specHash: specHash(this.spec),
        startedAt: new Date().toISOString(),
      };
      await writeRecord(this.taskDir, record);
    }
    return { pid };
  }

  async wait(): Promise<void> {
    if (this.exited === null) {
      const adopted = await this.adopt();
      if (adopted.found === "gone" && adopted.pid === null) throw new Error("task: not started");
    }
    const exit = await (this.exited as Promise<Exit>);
    if (exit.exitCode === null) {
      throw new TaskExitError(
        EXIT_CODE_UNKNOWN,
        `task: exit status unknown: process ${exit.pid} ended while the agent was not its parent`,
      );
    }
    if (exit.exitCode !== 0) throw new TaskExitError(exit.exitCode);
  }

  async shutdown(): Promise<void> {
    await this.stop(
      this.spec.stopSignal ?? DEFAULT_STOP_SIGNAL,
      this.spec.stopGracePeriodMs ?? DEFAULT_STOP_GRACE_PERIOD_MS,
    );
  }

  async terminate(): Promise<void> {
    await this.stop("SIGKILL", 0);
  }

  async remove(): Promise<void> {
    await this.shutdown(); // as moby's Remove: a program still running is stopped first, gracefully
    this.close();
    await rm(this.taskDir, { recursive: true, force: true });
  }

  close(): void {
    this.closed = true;
    if (this.pollTimer !== null) clearTimeout(this.pollTimer);
    this.pollTimer = null;
  }

  /**
   * Finds the task's process from its record, after an agent restart: still
   * running (same pid and start time, same spec) → waited on by polling; else gone.
   */
  async adopt(): Promise<Adoption> {
    if (this.pid !== null) {
      return this.ended ? { found: "gone", pid: this.pid, reason: "exited" } : { found: "running", pid: this.pid };
    }
    const record = await readRecord(this.taskDir);
    if (record === null) return { found: "gone", pid: null, reason: "no process was started" };
    if (record.specHash !== specHash(this.spec)) {
      return { found: "gone", pid: null, reason: "the record is of another spec" };
    }
    this.pid = record.pid;
    this.startTime = record.startTime;
    this.exited = this.pollUntilGone(record.pid, record.startTime);
    if (await isSameProcessAlive(record.pid, record.startTime)) return { found: "running", pid: record.pid };
    return { found: "gone", pid: record.pid, reason: `process ${record.pid} ended while the agent was down` };
  }

  /** Signal to the group, then SIGKILL after the grace period; resolves once the program has ended. */
  private async stop(signal: NodeJS.Signals, graceMs: number): Promise<void> {
    await this.starting?.catch(() => {});
    if (this.pid === null) {
      const adopted = await this.adopt();
      if (adopted.pid === null) return; // nothing was started
    }
    const pid = this.pid as number;
    const exited = this.exited as Promise<Exit>;
    if (this.ended) return;
    signalGroup(pid, signal);
    if (signal !== "SIGKILL") {
      let timer: NodeJS.Timeout | undefined;
      const grace = new Promise<"grace">((resolve) => {
        timer = setTimeout(() => resolve("grace"), graceMs);
      });
      const first = await Promise.race([exited.then(() => "exited" as const), grace]);
      clearTimeout(timer);
      if (first === "exited") return;
      signalGroup(pid, "SIGKILL");
    }
    await exited;
  }

  /** The end of a process that is not our child: /proc shows it gone (or a zombie, or another with its pid). */
  private pollUntilGone(pid: number, startTime: string): Promise<Exit> {
    return new Promise<Exit>((resolve) => {
      const check = async () => {
        if (await isSameProcessAlive(pid, startTime)) {
          if (!this.closed) this.pollTimer = setTimeout(check, this.adoptPollMs);
          return;
        }
        this.ended = true;
        await killGroupRemains(pid, startTime);
        resolve({ exitCode: null, pid });
      };
      void check();
    });
  }
}

async function checkWorkdir(dir: string): Promise<void> {
  try {
    if (!(await stat(dir)).isDirectory()) {
      throw new TaskStartError(`chdir ${dir}: not a directory`, "ENOTDIR");
    }
  } catch (e) {
    if (e instanceof TaskStartError) throw e;
    const code = (e as NodeJS.ErrnoException).code ?? "ENOENT";
    const text = code === "EACCES" ? "permission denied" : "no such file or directory";
    throw new TaskStartError(`chdir ${dir}: ${text}`, code);
  }
}
