import type { Log } from "../../log.ts";
import { decodeConfChange, decodeRaftMember } from "../codec.ts";
import type { MemoryStorage, RaftCore } from "../core/index.ts";
import type { RaftStorage } from "../storage/index.ts";
import type { ConfChange, ConfState, Entry, RaftId, RaftMember, Snapshot } from "../types.ts";
import { ErrIDRemoved, raftError } from "./errors.ts";
import type { Membership } from "./membership.ts";
import type { RaftNodeOptions } from "./options.ts";
import { unframeProposal } from "./proposal-frame.ts";
import type { Proposals } from "./proposals.ts";
import { decodeSnapshotPayload } from "./snapshot-payload.ts";
import { maybeSnapshot } from "./snapshot-policy.ts";

/** What applying reads and changes around it. */
export interface ApplierDeps {
  readonly opts: RaftNodeOptions;
  readonly log: Log;
  readonly storage: RaftStorage;
  readonly mem: MemoryStorage;
  readonly core: RaftCore;
  readonly membership: Membership;
  readonly proposals: Proposals;
  isStopped(): boolean;
  /** The removal of this member was applied. */
  removeSelf(): void;
}

/**
 * The applied side of the member: committed entries go to the owner (normal
 * proposals) or to the membership and transport (conf changes), a snapshot
 * replaces both, and a new snapshot is taken when the policy says so.
 */
export class Applier {
  confState: ConfState;
  snapshotIndex: number;
  appliedIndex: number;
  /** Term of the last applied entry: a new leader proposes only once it applied one of its own term. */
  appliedTerm = 0;
  private readonly raftId: RaftId;

  constructor(private readonly d: ApplierDeps) {
    this.raftId = d.opts.self.raftId;
    this.confState = d.mem.initialState().confState;
    this.snapshotIndex = d.mem.snapshot().metadata.index;
    this.appliedIndex = this.snapshotIndex;
  }

  markApplied(e: Entry): void {
    this.appliedIndex = e.index;
    this.appliedTerm = e.term;
  }

  async applyNormal(e: Entry): Promise<void> {
    let framed: ReturnType<typeof unframeProposal>;
    try {
      framed = unframeProposal(e.data);
    } catch (err) {
      this.d.log.error(
        { raftId: this.raftId, index: e.index, err: err instanceof Error ? err.message : String(err) },
        "raft: skipped an entry that is not a proposal",
      );
      return;
    }
    if (!framed) return;
    await this.d.opts.apply(framed.data, e.index);
    this.d.proposals.applied(framed.requestId, e.index);
  }

  applyConfEntry(e: Entry): void {
    const cc = decodeConfChange(e.data);
    const { membership, proposals } = this.d;
    if (cc.type === "addNode" && membership.isRemoved(cc.nodeId)) {
      proposals.settleConf(cc, raftError(ErrIDRemoved));
      return;
    }
    this.confState = this.d.core.applyConfChange(cc);
    const t = this.d.opts.transport;
    switch (cc.type) {
      case "addNode":
      case "updateNode":
        membership.set(this.memberOf(cc));
        if (cc.nodeId !== this.raftId) t.addPeer(cc.nodeId);
        break;
      case "removeNode":
        membership.remove(cc.nodeId, e.index);
        t.removePeer(cc.nodeId);
        if (cc.nodeId === this.raftId) this.d.removeSelf();
        break;
    }
    proposals.settleConf(cc);
  }

  private memberOf(cc: ConfChange): RaftMember {
    if (cc.context.length > 0) {
      try {
        const m = decodeRaftMember(cc.context);
        return { ...m, raftId: cc.nodeId };
      } catch (err) {
        this.d.log.warn(
          { raftId: this.raftId, nodeId: cc.nodeId, err: err instanceof Error ? err.message : String(err) },
          "raft: conf change with a malformed member context",
        );
      }
    }
    if (cc.nodeId === this.raftId) return this.d.opts.self;
    return { raftId: cc.nodeId, nodeId: "", addr: "" };
  }

  async restoreSnapshot(snap: Snapshot): Promise<void> {
    const payload = decodeSnapshotPayload(snap.data);
    this.d.membership.load(payload.members, payload.removed, snap.metadata.index);
    const t = this.d.opts.transport;
    for (const id of t.peers()) if (!this.d.membership.has(id)) t.removePeer(id);
    for (const m of payload.members) if (m.raftId !== this.raftId) t.addPeer(m.raftId);
    this.confState = snap.metadata.confState;
    this.snapshotIndex = snap.metadata.index;
    this.appliedIndex = Math.max(this.appliedIndex, snap.metadata.index);
    this.appliedTerm = snap.metadata.term;
    await this.d.opts.restore?.(payload.data);
  }

  maybeSnapshot(): Promise<void> {
    return maybeSnapshot(this, this.d);
  }
}
