import type { RaftCore } from "../core/index.ts";
import { ErrLostLeadership, raftError } from "./errors.ts";
import type { Proposals } from "./proposals.ts";
import type { ReadBarriers } from "./read-barriers.ts";
import type { Removal } from "./removal.ts";
import type { RoleMirror } from "./role-mirror.ts";
import type { StateWatchers } from "./state-watchers.ts";

export interface CoreSyncDeps {
  readonly core: RaftCore;
  readonly mirror: RoleMirror;
  readonly proposals: Proposals;
  readonly reads: ReadBarriers;
  readonly removal: Removal;
  readonly watchers: StateWatchers;
}

/**
 * Brings the rest of the member in line after the core changed: the raft
 * actor mirrors its role, term and leader (CORE_STATE), pending proposals
 * and reads fail when leadership is lost, and waits on the member's state
 * (reads waiting for their index to be applied among them) are checked.
 * The inputs and the Ready loop call it directly, so no walk returns to the
 * node that wired them.
 */
export class CoreSync {
  constructor(private readonly d: CoreSyncDeps) {}

  /** The core took an input (a tick, a message, a proposal): mirror a change of role, term or leader. */
  afterInput(): void {
    const { core, mirror, proposals, reads, removal, watchers } = this.d;
    const prev = mirror.record(core.status());
    if (!prev) return;
    if (prev.role === "leader" && mirror.current.role !== "leader") {
      proposals.rejectAll(raftError(ErrLostLeadership));
      reads.rejectAll(raftError(ErrLostLeadership));
    }
    if (!removal.removed) mirror.announce();
    watchers.check();
  }

  /** The core advanced past a Ready: mirror it, and check the waits (an entry applied may settle one). */
  advanced(): void {
    this.afterInput();
    this.d.reads.check();
    this.d.watchers.check();
  }
}
