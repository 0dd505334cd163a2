import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { z } from "zod";
import { writeFileAtomic } from "../../fs/atomic-write.ts";

/**
 * A task's files, under the directory the agent keeps its tasks in
 * (`<state-dir>/swarm/worker/tasks/<taskId>/`): `process.json` (this record),
 * `stdout.log`, `stderr.log`.
 */
export function taskDirOf(tasksDir: string, taskId: string): string {
  if (!/^[A-Za-z0-9_.-]{1,128}$/.test(taskId) || taskId === "." || taskId === "..") {
    throw new Error(`invalid task id ${JSON.stringify(taskId)}`);
  }
  return join(tasksDir, taskId);
}

export const RECORD_FILE = "process.json";
export const STDOUT_FILE = "stdout.log";
export const STDERR_FILE = "stderr.log";

/**
 * What a restarted agent needs to find a task's process again: the pid, and
 * its start time (/proc/<pid>/stat field 22) so that a reused pid is not taken
 * for it; the spec hash ties the process to the task's spec.
 */
const recordSchema = z
  .object({
    taskId: z.string().min(1).max(128),
    pid: z.number().int().positive(),
    startTime: z.string().regex(/^\d+$/),
    specHash: z.string().min(1).max(128),
    startedAt: z.string().max(64),
  })
  .strict();

export type ProcessRecord = z.infer<typeof recordSchema>;

export function writeRecord(taskDir: string, record: ProcessRecord): Promise<void> {
  return writeFileAtomic(join(taskDir, RECORD_FILE), `${JSON.stringify(record)}\n`);
}

/** The task's record; null when there is none or it does not parse (a record never written whole is no record). */
export async function readRecord(taskDir: string): Promise<ProcessRecord | null> {
  let text: string;
  try {
    text = await readFile(join(taskDir, RECORD_FILE), "utf8");
  } catch {
    return null;
  }
  try {
    const r = recordSchema.safeParse(JSON.parse(text));
    return r.success ? r.data : null;
  } catch {
    return null;
  }
}
