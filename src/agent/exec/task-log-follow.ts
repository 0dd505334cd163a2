import { open } from "node:fs/promises";
import { join } from "node:path";
import type { LogLine, LogStream } from "./task-logs.ts";
import { STDERR_FILE, STDOUT_FILE } from "./task-record.ts";

export interface FollowOptions {
  streams?: readonly LogStream[];
  /** How often the files are checked for new output. */
  pollMs?: number;
}

/**
 * `service logs -f`: every line the program writes from now on, as it comes
 * (the lines already there are `readTaskLogs`'s). The files are polled, not
 * watched: the program writes them directly and may do so before they exist.
 * A line is handed on once its newline is written. Resolves, once the files'
 * ends are known (what comes after is new), with the stop function.
 */
export async function followTaskLogs(
  taskDir: string,
  onLine: (line: LogLine) => void,
  opts: FollowOptions = {},
): Promise<() => void> {
  const pollMs = opts.pollMs ?? 200;
  const streams = opts.streams ?? (["stdout", "stderr"] as const);
  const state = new Map<LogStream, { offset: number | null; partial: string }>(
    streams.map((s) => [s, { offset: null, partial: "" }]),
  );
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;

  const readNew = async (stream: LogStream) => {
    const st = state.get(stream) as { offset: number | null; partial: string };
    const fh = await open(join(taskDir, stream === "stdout" ? STDOUT_FILE : STDERR_FILE), "r").catch(() => null);
    if (fh === null) {
      st.offset ??= 0; // written later: all of it is new
      return;
    }
    try {
      const size = (await fh.stat()).size;
      if (st.offset === null || size < st.offset) st.offset = st.offset === null ? size : 0; // first look, or truncated
      if (size === st.offset) return;
      const buf = Buffer.alloc(size - st.offset);
      await fh.read(buf, 0, buf.length, st.offset);
      st.offset = size;
      const lines = (st.partial + buf.toString("utf8")).split("\n");
      st.partial = lines.pop() ?? "";
      for (const line of lines) if (!stopped) onLine({ stream, line });
    } finally {
      await fh.close();
    }
  };

  const tick = async () => {
    for (const s of streams) await readNew(s);
    if (!stopped) timer = setTimeout(() => void tick(), pollMs);
  };
  await tick();
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}
