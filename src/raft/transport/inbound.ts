import type { Log } from "../../log.ts";
import { decodeEnvelope } from "../codec.ts";
import type { Message, RaftId } from "../types.ts";

/**
 * Checks one payload from the raft subject: a well-formed envelope, of this
 * cluster, addressed to this member. Anything else is dropped with a log line
 * (returns undefined), never thrown.
 */
export function acceptInbound(
  payload: Uint8Array,
  self: { clusterId: string; raftId: RaftId },
  log: Log,
): Message | undefined {
  let env: { clusterId: string; message: Message };
  try {
    env = decodeEnvelope(payload);
  } catch (e) {
    log.warn(
      { raftId: self.raftId, bytes: payload.length, err: e instanceof Error ? e.message : String(e) },
      "raft transport: dropped a payload that is not a raft envelope",
    );
    return undefined;
  }
  if (env.clusterId !== self.clusterId) {
    log.warn(
      { raftId: self.raftId, expected: self.clusterId, got: env.clusterId, from: env.message.from },
      "raft transport: dropped a message of another cluster",
    );
    return undefined;
  }
  if (env.message.to !== self.raftId) {
    log.warn(
      { raftId: self.raftId, to: env.message.to, from: env.message.from, type: env.message.type },
      "raft transport: dropped a message addressed to another member",
    );
    return undefined;
  }
  return env.message;
}

/** Hands `m` to each handler; one that throws is logged and does not stop the others. */
export function deliver(handlers: Iterable<(m: Message) => void>, m: Message, log: Log): void {
  for (const h of handlers) {
    try {
      h(m);
    } catch (e) {
      log.error(
        { raftId: m.to, from: m.from, type: m.type, err: e instanceof Error ? e.message : String(e) },
        "raft transport: message handler threw",
      );
    }
  }
}
