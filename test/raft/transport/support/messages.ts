import { msg as coreMsg } from "../../../../src/raft/core/messages.ts";
import type { Message, MessageType } from "../../../../src/raft/types.ts";

/** A raft message of `type` from `from` to `to`, at term 1, every other field defaulted but those given. */
export function msg(type: MessageType, from: string, to: string, extra: Partial<Message> = {}): Message {
  return coreMsg({ type, from, to, term: 1, ...extra });
}
