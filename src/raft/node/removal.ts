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
  /** The index of the last entry this member applied. */
  appliedIndex(): number;
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
      this.d.transport.notifyRemoved(m.from, this.d.membership.removedAt(m.from));
    }
    return true;
  }

  /**
   * A member says this one was removed by the conf change it committed at
   * `index` (it applied the removal; this member never got the commit). The
   * transport let it through only from another current member speaking as
   * itself (its node ID is the subject's sender token), as SwarmKit takes
   * ErrMemberRemoved only as the answer of a member it sent to. The index is
   * not compared with this member's applied index: after a forced new
   * cluster, the history that removed it is not the one this member applied.
   */
  noticed(by: RaftId, index: number): void {
    const { membership, raftId, log } = this.d;
    if (this.removedSelf || by === raftId || !membership.has(by) || !membership.has(raftId)) return;
    log.warn({ raftId, by, index, applied: this.d.appliedIndex() }, ErrMemberRemoved);
    membership.remove(raftId, index);
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
