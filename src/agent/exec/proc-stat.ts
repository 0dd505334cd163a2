import { readFileSync } from "node:fs";
import { readdir, readFile } from "node:fs/promises";

/** The fields of /proc/<pid>/stat we use (proc(5)): state, process group, start time in clock ticks since boot. */
export interface ProcStat {
  pid: number;
  state: string;
  pgrp: number;
  startTime: string;
}

/** /proc/<pid>/stat, or null when no such process exists. The command name may hold spaces and parentheses. */
export async function readProcStat(pid: number): Promise<ProcStat | null> {
  let text: string;
  try {
    text = await readFile(`/proc/${pid}/stat`, "utf8");
  } catch {
    return null;
  }
  return parseStat(pid, text);
}

/**
 * The same, read at once: right after a spawn, before the event loop turns
 * and reaps a program that ended at once, its entry is still there.
 */
export function readProcStatSync(pid: number): ProcStat | null {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    return null;
  }
  return parseStat(pid, text);
}

function parseStat(pid: number, text: string): ProcStat | null {
  const rest = text.slice(text.lastIndexOf(")") + 2).split(" ");
  // rest[0] is field 3 (state); pgrp is field 5, starttime field 22
  const [state, , pgrp] = rest;
  const startTime = rest[19];
  if (state === undefined || pgrp === undefined || startTime === undefined) return null;
  return { pid, state, pgrp: Number(pgrp), startTime };
}

/**
 * True while the process that had this pid and start time still runs: a
 * reused pid has another start time, and a zombie (Z) or dead (X) one has
 * ended — it only waits for its parent to reap it.
 */
export async function isSameProcessAlive(pid: number, startTime: string): Promise<boolean> {
  const st = await readProcStat(pid);
  return st !== null && st.startTime === startTime && st.state !== "Z" && st.state !== "X";
}

/** The live (not zombie) processes of a process group, from /proc. */
export async function processGroupMembers(pgid: number): Promise<number[]> {
  const pids = (await readdir("/proc")).filter((n) => /^\d+$/.test(n)).map(Number);
  const members: number[] = [];
  for (const pid of pids) {
    const st = await readProcStat(pid);
    if (st !== null && st.pgrp === pgid && st.state !== "Z" && st.state !== "X") members.push(pid);
  }
  return members;
}

/** Sends a signal to a whole process group; false when the group no longer exists. */
export function signalGroup(pgid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ESRCH") return false;
    throw e;
  }
}

/**
 * Kills what is left of a process group whose leader has ended, as a
 * container's processes end with its init. While any member lives the
 * kernel keeps the group's number from being reused as a pid, so the group
 * is ours — unless another process (another start time) now has the leader's
 * pid, which means the group emptied and the number went to someone else.
 */
export async function killGroupRemains(pgid: number, leaderStartTime: string | null): Promise<void> {
  const holder = await readProcStat(pgid);
  if (holder !== null && leaderStartTime !== null && holder.startTime !== leaderStartTime) return;
  signalGroup(pgid, "SIGKILL");
}
