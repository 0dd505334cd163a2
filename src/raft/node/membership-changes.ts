import { encodeRaftMember } from "../codec.ts";
import type { RaftTransport } from "../transport/index.ts";
import type { RaftId, RaftMember } from "../types.ts";
import { ErrCannotRemoveMember, ErrIDExists, ErrIDRemoved, ErrMemberUnknown, raftError } from "./errors.ts";
import type { Membership } from "./membership.ts";
import type { Proposals } from "./proposals.ts";

export interface MembershipChangesDeps {
  readonly raftId: RaftId;
  readonly membership: Membership;
  readonly transport: RaftTransport;
  readonly proposals: Proposals;
  /** Why this member cannot change the membership now (stopped, not a member, not the leader), if so. */
  refusal(): Error | undefined;
}

/** The leader's membership operations (SwarmKit's Join/UpdateNode/RemoveMember), each a conf change. */
export class MembershipChanges {
  constructor(private readonly d: MembershipChangesDeps) {}

  add(member: RaftMember): Promise<void> {
    const refused = this.d.refusal();
    if (refused) return Promise.reject(refused);
    const { membership } = this.d;
    if (membership.isRemoved(member.raftId)) return Promise.reject(raftError(ErrIDRemoved));
    if (membership.has(member.raftId)) return Promise.reject(raftError(ErrIDExists));
    return this.d.proposals.proposeConfChange({
      type: "addNode",
      nodeId: member.raftId,
      context: encodeRaftMember(member),
    });
  }

  update(raftId: RaftId, addr: string): Promise<void> {
    const refused = this.d.refusal();
    if (refused) return Promise.reject(refused);
    const m = this.d.membership.get(raftId);
    if (!m) return Promise.reject(raftError(`member ${BigInt(raftId).toString(16)} is not found for update`));
    return this.d.proposals.proposeConfChange({
      type: "updateNode",
      nodeId: raftId,
      context: encodeRaftMember({ ...m, addr }),
    });
  }

  remove(raftId: RaftId): Promise<void> {
    const refused = this.d.refusal();
    if (refused) return Promise.reject(refused);
    if (!this.d.membership.has(raftId)) return Promise.reject(raftError(ErrMemberUnknown));
    if (!this.canRemove(raftId)) return Promise.reject(raftError(ErrCannotRemoveMember));
    const m = this.d.membership.get(raftId);
    return this.d.proposals.proposeConfChange({
      type: "removeNode",
      nodeId: raftId,
      context: m ? encodeRaftMember(m) : new Uint8Array(0),
    });
  }

  /** SwarmKit's CanRemoveMember, with transport.active for the others. */
  canRemove(raftId: RaftId): boolean {
    return this.d.membership.canRemove(raftId, this.d.raftId, (id) => this.d.transport.active(id));
  }
}
