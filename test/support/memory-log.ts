import type { Log } from "../../src/log.ts";

export interface LogLine {
  level: "warn" | "error";
  msg: string;
  obj: Record<string, unknown>;
}

/**
 * A Log (and a raft storage WarnLog) that keeps what it was told, for asserting
 * that dropped input and rejections are logged.
 */
export function memoryLog(): Log & { lines: LogLine[]; messages(): string[] } {
  const lines: LogLine[] = [];
  return {
    lines,
    messages: () => lines.map((l) => l.msg),
    warn: (obj, msg) => {
      lines.push({ level: "warn", msg, obj });
    },
    error: (obj, msg) => {
      lines.push({ level: "error", msg, obj });
    },
  };
}
