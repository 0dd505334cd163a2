import { randomBytes } from "node:crypto";
import { ErrProposalDropped, type RaftCore } from "../core/index.ts";
import type { ConfChange, RaftId } from "../types.ts";
import { ErrConfChangeRefused, ErrLostLeadership, raftError } from "./errors.ts";
import { frameProposal } from "./proposal-frame.ts";

interface Waiter {
  resolve(index: number): void;
  reject(e: Error): void;
}

interface ConfWaiter extends Waiter {
  readonly type: ConfChange["type"];
  readonly nodeId: RaftId;
}

/**
 * The proposals this member made and waits on: each normal proposal by the
 * request ID framed into its entry (SwarmKit's wait.Wait), each conf change by
 * its type and node. A waiter is settled when its entry is applied here, or
 * rejected all at once (lost leadership, removal, stop).
 */
export class Proposals {
  private readonly waiters = new Map<string, Waiter>();
  private confWaiters: ConfWaiter[] = [];
  private readonly requestPrefix = randomBytes(4).readUInt32BE(0);
  private requestSeq = 0;

  /** `proposed` runs once the core took the proposal (the node drains its Ready then). */
  constructor(
    private readonly core: RaftCore,
    private readonly proposed: () => void,
  ) {}

  /** Resolves with the entry's index once it is applied here. */
  propose(data: Uint8Array): Promise<number> {
    const id = (BigInt(this.requestPrefix) << 32n) | BigInt(++this.requestSeq & 0xffffffff);
    const key = id.toString();
    return new Promise<number>((resolve, reject) => {
      this.waiters.set(key, { resolve, reject });
      try {
        this.core.propose(frameProposal(id, data));
      } catch (e) {
        this.waiters.delete(key);
        reject(e instanceof ErrProposalDropped ? raftError(ErrLostLeadership) : e);
        return;
      }
      this.proposed();
    });
  }

  /** Resolves once the conf change is applied here. */
  proposeConfChange(cc: ConfChange): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const w: ConfWaiter = { type: cc.type, nodeId: cc.nodeId, resolve: () => resolve(), reject };
      this.confWaiters.push(w);
      try {
        this.core.proposeConfChange(cc);
      } catch (e) {
        this.confWaiters = this.confWaiters.filter((x) => x !== w);
        reject(e instanceof ErrProposalDropped ? raftError(ErrConfChangeRefused) : e);
        return;
      }
      this.proposed();
    });
  }

  /** The proposal `requestId` was applied at `index` (a no-op when another member proposed it). */
  applied(requestId: string, index: number): void {
    const w = this.waiters.get(requestId);
    if (w) {
      this.waiters.delete(requestId);
      w.resolve(index);
    }
  }

  /** A conf change was applied (or refused with `err`): settles the first waiter for it. */
  settleConf(cc: ConfChange, err?: Error): void {
    const i = this.confWaiters.findIndex((w) => w.type === cc.type && w.nodeId === cc.nodeId);
    if (i < 0) return;
    const [w] = this.confWaiters.splice(i, 1);
    if (err) w?.reject(err);
    else w?.resolve(0);
  }

  rejectAll(err: Error): void {
    const ws = [...this.waiters.values(), ...this.confWaiters];
    this.waiters.clear();
    this.confWaiters = [];
    for (const w of ws) w.reject(err);
  }
}
