import type { Log } from "../../../src/log.ts";
import type { Message, MessageType } from "../../../src/raft/types.ts";

export function msg(type: MessageType, from: string, to: string, extra: Partial<Message> = {}): Message {
  return {
    type,
    from,
    to,
    term: 1,
    logTerm: 0,
    index: 0,
    entries: [],
    commit: 0,
    reject: false,
    rejectHint: 0,
    ...extra,
  };
}

/** A logger that keeps what it was told, to assert on dropped input. */
export function recordingLog(): Log & { lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    warn: (_o, m) => {
      lines.push(m);
    },
    error: (_o, m) => {
      lines.push(m);
    },
  };
}
