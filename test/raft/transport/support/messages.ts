import type { Message, MessageType } from "../../../../src/raft/types.ts";

/** A raft message of `type` with every field zero but those given. */

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
