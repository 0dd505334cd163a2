import type { Log } from "../../log.ts";
import type { RaftTransport } from "../transport/index.ts";
import type { Message, RaftId } from "../types.ts";
import { ErrMemberRemoved, raftError } from "./errors.ts";
import type { Membership } from "./membership.ts";
import type { Proposals } from "./proposals.ts";
import type { RoleMirror } from "./role-mirror.ts";

export interface RemovalDeps {
  readonly raftId: RaftId;
  readonly log: Log;
  readonly membership: Membership;
  readonly transport: RaftTransport;
  readonly proposals: Proposals;
  readonly mirror: RoleMirror;
  stop(): Promise<void>;
}

/**
 * Removal from the cluster, both ways: a removed member that still talks is
 * told so (once per tick), and this member learns it was removed, from the
 * applied conf change or from a member that applied it.
 */
export class Removal {
  private removedSelf = false;
  /** Removed members told so since the last tick. */
  private readonly toldRemoved = new Set<RaftId>();

  constructor(private readonly d: RemovalDeps) {}

  /** This member was removed: it drops every input and stops. */
  get removed(): boolean {
    return this.removedSelf;
  }

  newTick(): void {
    this.toldRemoved.clear();
  }

  /** True when `m` comes from a removed member, and must be dropped. */
  fromRemoved(m: Message): boolean {
    if (!this.d.membership.isRemoved(m.from)) return false;
    // SwarmKit answers NotFound ErrMemberRemoved; here: a notice, once per tick.
    if (!this.toldRemoved.has(m.from)) {
      this.toldRemoved.add(m.from);
      this.d.log.warn({ raftId: this.d.raftId, from: m.from, type: m.type }, ErrMemberRemoved);
      this.d.transport.notifyRemoved(m.from);
    }
    return true;
  }

  /** A member says this one was removed (it applied the removal; this member never got the commit). */
  noticed(by: RaftId): void {
    const { membership, raftId } = this.d;
    if (this.removedSelf || !membership.has(by) || !membership.has(raftId)) return;
    this.d.log.warn({ raftId, by }, ErrMemberRemoved);
    membership.remove(raftId);
    this.removeSelf();
    void this.d.stop();
  }

  /** Fails every pending proposal, and tells the actor. */
  removeSelf(): void {
    this.removedSelf = true;
    this.d.proposals.rejectAll(raftError(ErrMemberRemoved));
    this.d.mirror.removed();
  }
}
