import type { Log } from "../../log.ts";
import { decodeEnvelope } from "../codec.ts";
import type { Message, RaftId } from "../types.ts";

/** Where a dropped payload is reported: a log line (the NATS transport rate-limits them per sender). */
export type DropReport = (msg: string, fields: Record<string, unknown>) => void;

/** Reports each drop as a warning of `log`. */
export const warnEach =
  (log: Log): DropReport =>
  (msg, fields) =>
    log.warn(fields, msg);

/**
 * Checks one payload from the raft subject: a well-formed envelope, of this
 * cluster, addressed to this member. Anything else is dropped and reported
 * (returns undefined), never thrown.
 */
export function acceptInbound(
  payload: Uint8Array,
  self: { clusterId: string; raftId: RaftId },
  drop: DropReport,
): Message | undefined {
  let env: { clusterId: string; message: Message };
  try {
    env = decodeEnvelope(payload);
  } catch (e) {
    drop("raft transport: dropped a payload that is not a raft envelope", {
      raftId: self.raftId,
      bytes: payload.length,
      err: e instanceof Error ? e.message : String(e),
    });
    return undefined;
  }
  if (env.clusterId !== self.clusterId) {
    drop("raft transport: dropped a message of another cluster", {
      raftId: self.raftId,
      expected: self.clusterId,
      got: env.clusterId,
      claimed: env.message.from,
    });
    return undefined;
  }
  if (env.message.to !== self.raftId) {
    drop("raft transport: dropped a message addressed to another member", {
      raftId: self.raftId,
      to: env.message.to,
      claimed: env.message.from,
      type: env.message.type,
    });
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
