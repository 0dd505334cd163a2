import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { isSameProcessAlive, killGroupRemains, signalGroup } from "./proc-stat.ts";
import { DEFAULT_STOP_GRACE_PERIOD_MS, DEFAULT_STOP_SIGNAL } from "./process-spec.ts";
import { readRecord } from "./task-record.ts";

export interface ReapOptions {
  signal?: NodeJS.Signals;
  /** How long the programs get to end after the signal, before SIGKILL; 10 s by default. */
  graceMs?: number;
  /** How often /proc is checked for the programs' end. */
  pollMs?: number;
}

export interface Reaped {
  taskId: string;
  pid: number;
  /** `signal`: ended within the grace period; `killed`: SIGKILLed after it; `gone`: had ended already. */
  how: "signal" | "killed" | "gone";
}

/**
 * Ends the process group of every task recorded under `tasksDir` (`swarm
 * leave`, daemon stop, a task store left behind): the stop signal to each live
 * one, SIGKILL to those still there after the grace period, and SIGKILL to the
 * leftovers of groups whose leader had already ended. Resolves once every
 * leader is gone (or 5 s after the SIGKILL). Records are kept; the caller deletes the directory if it
 * wants them gone.
 */
export async function reapTasks(tasksDir: string, opts: ReapOptions = {}): Promise<Reaped[]> {
  const signal = opts.signal ?? DEFAULT_STOP_SIGNAL;
  const graceMs = opts.graceMs ?? DEFAULT_STOP_GRACE_PERIOD_MS;
  const pollMs = opts.pollMs ?? 20;
  let names: string[];
  try {
    names = await readdir(tasksDir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw e;
  }
  const live: { taskId: string; pid: number; startTime: string }[] = [];
  const reaped: Reaped[] = [];
  for (const name of names) {
    const record = await readRecord(join(tasksDir, name));
    if (record === null) continue;
    if (await isSameProcessAlive(record.pid, record.startTime)) {
      signalGroup(record.pid, signal);
      live.push({ taskId: record.taskId, pid: record.pid, startTime: record.startTime });
    } else {
      await killGroupRemains(record.pid, record.startTime);
      reaped.push({ taskId: record.taskId, pid: record.pid, how: "gone" });
    }
  }
  const deadline = Date.now() + graceMs;
  // SIGKILL ends a process at once unless it sits in an uninterruptible wait: bounded, not forever
  const giveUp = deadline + 5000;
  let pending = live;
  while (pending.length > 0 && Date.now() < giveUp) {
    const still: typeof pending = [];
    for (const p of pending) {
      if (await isSameProcessAlive(p.pid, p.startTime)) still.push(p);
      else {
        await killGroupRemains(p.pid, p.startTime);
        reaped.push({ taskId: p.taskId, pid: p.pid, how: Date.now() <= deadline ? "signal" : "killed" });
      }
    }
    pending = still;
    if (pending.length === 0) break;
    if (Date.now() >= deadline) for (const p of pending) signalGroup(p.pid, "SIGKILL");
    await new Promise((r) => setTimeout(r, pollMs));
  }
  return reaped;
}
