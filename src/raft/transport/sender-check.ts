import type { Log } from "../../log.ts";
import type { RaftId } from "../types.ts";
import type { RaftMembers } from "./transport.ts";

export const NOT_A_MEMBER = "the sender is not a member";

/**
 * Whether the node that sent a raft message may speak as `claimed` (the
 * envelope's `from`, or a removal notice's teller): the subject names the
 * sender's node ID (which its NATS credential is held to), and that node must
 * be a current member whose Raft ID is `claimed`, and not this member itself.
 * Returns why not, or undefined when it may.
 */
export function senderRefusal(
  members: RaftMembers,
  self: { nodeId: string },
  sender: string,
  claimed: RaftId,
): string | undefined {
  if (sender === self.nodeId) return "the sender is this member itself";
  const raftId = members.raftIdOf(sender);
  if (raftId === undefined) return NOT_A_MEMBER;
  if (raftId !== claimed) return "the sender is another member than it claims";
  return undefined;
}

/** How often one sender's drops for one reason are logged again. */
const LOG_EVERY_MS = 10_000;
/** Senders × reasons remembered; a flood of names is forgotten at once rather than kept. */
const MAX_KEYS = 1024;

/**
 * Logs dropped messages at warn, once per sender and reason in each
 * LOG_EVERY_MS, with the number dropped since the last line: a forger on the
 * bus cannot flood the log.
 */
export class DropLog {
  private readonly seen = new Map<string, { at: number; dropped: number }>();

  constructor(
    private readonly log: Log,
    private readonly now: () => number,
  ) {}

  drop(msg: string, fields: { sender: string; reason?: string } & Record<string, unknown>): void {
    const key = `${fields.sender} ${fields.reason ?? ""} ${msg}`;
    const now = this.now();
    const s = this.seen.get(key);
    if (s && now - s.at < LOG_EVERY_MS) {
      s.dropped++;
      return;
    }
    if (!s && this.seen.size >= MAX_KEYS) this.seen.clear();
    this.seen.set(key, { at: now, dropped: 0 });
    this.log.warn({ ...fields, droppedSinceLastLine: s?.dropped ?? 0 }, msg);
  }
}
