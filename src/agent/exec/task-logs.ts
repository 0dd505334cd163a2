import { open } from "node:fs/promises";
import { join } from "node:path";
import { STDERR_FILE, STDOUT_FILE } from "./task-record.ts";

export type LogStream = "stdout" | "stderr";

export interface LogLine {
  stream: LogStream;
  line: string;
}

export interface ReadLogsOptions {
  /** The last N lines of each stream (`service logs --tail N`); all when absent. */
  tail?: number;
  /** Which streams; both by default. */
  streams?: readonly LogStream[];
}

/** How much of a log file's end is read at a time when looking for its last lines. */
const CHUNK = 64 * 1024;

/**
 * A task's output as its program wrote it: stdout's lines, then stderr's.
 * The program writes the files directly (they outlive an agent restart), so
 * lines carry no timestamps and the two streams are not interleaved.
 */
export async function readTaskLogs(taskDir: string, opts: ReadLogsOptions = {}): Promise<LogLine[]> {
  const out: LogLine[] = [];
  for (const stream of opts.streams ?? (["stdout", "stderr"] as const)) {
    const file = join(taskDir, stream === "stdout" ? STDOUT_FILE : STDERR_FILE);
    for (const line of await readLines(file, opts.tail)) out.push({ stream, line });
  }
  return out;
}

/** The file's lines (the last `tail` of them), reading only as much of its end as that takes. */
async function readLines(file: string, tail: number | undefined): Promise<string[]> {
  if (tail !== undefined && tail <= 0) return [];
  let fh: Awaited<ReturnType<typeof open>>;
  try {
    fh = await open(file, "r");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw e;
  }
  try {
    const size = (await fh.stat()).size;
    let start = size;
    let buf = Buffer.alloc(0);
    // newlines needed: tail of them, plus the one ending the line before them (a final newline ends the last line)
    while (start > 0) {
      const from = tail === undefined ? 0 : Math.max(0, start - CHUNK);
      const chunk = Buffer.alloc(start - from);
      await fh.read(chunk, 0, chunk.length, from);
      buf = Buffer.concat([chunk, buf]);
      start = from;
      if (tail !== undefined && countNewlines(buf) > tail) break;
    }
    const text = buf.toString("utf8");
    const lines = text.split("\n");
    if (lines.at(-1) === "") lines.pop();
    // a partial first line (the read began mid-line) is dropped with the lines before the tail
    return tail === undefined ? lines : lines.slice(-tail);
  } finally {
    await fh.close();
  }
}

function countNewlines(buf: Buffer): number {
  let n = 0;
  for (let i = buf.indexOf(10); i !== -1; i = buf.indexOf(10, i + 1)) n++;
  return n;
}
