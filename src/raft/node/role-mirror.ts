import { type Actor, createActor } from "xstate";
import { type RaftMachineRole, raftMachine } from "../../../machines/raft.machine.ts";
import type { RaftId } from "../types.ts";
import type { RaftNodeOptions } from "./options.ts";

export type RaftActor = Actor<typeof raftMachine>;

/** What the raft actor mirrors of the core. */
export interface CoreState {
  readonly role: RaftMachineRole;
  readonly term: number;
  readonly lead: RaftId;
}

/**
 * The raft actor (machines/raft.machine.ts) and the core's role, term and
 * leader as last recorded: the node reads its role from here, not from the
 * core, so what it answers matches what the actor was told.
 */
export class RoleMirror {
  readonly actor: RaftActor;
  private last: CoreState;

  constructor(raftId: RaftId, st: CoreState, opts: Pick<RaftNodeOptions, "onLeadership" | "onRemoved">) {
    this.last = { role: st.role, term: st.term, lead: st.lead };
    const machine = raftMachine.provide({
      actions: {
        announceLeader: () => opts.onLeadership?.(true),
        announceFollower: () => opts.onLeadership?.(false),
        announceRemoved: () => opts.onRemoved?.(),
      },
    });
    this.actor = createActor(machine, { input: { raftId, term: st.term, lead: st.lead } });
  }

  get current(): CoreState {
    return this.last;
  }

  /** Records `st`; returns the state it replaces when role, term or leader changed, else undefined. */
  record(st: CoreState): CoreState | undefined {
    const prev = this.last;
    if (st.role === prev.role && st.term === prev.term && st.lead === prev.lead) return undefined;
    this.last = { role: st.role, term: st.term, lead: st.lead };
    return prev;
  }

  /** Tells the actor the recorded state. */
  announce(): void {
    const st = this.last;
    this.actor.send({ type: "CORE_STATE", role: st.role, term: st.term, lead: st.lead });
  }

  removed(): void {
    this.actor.send({ type: "REMOVED" });
  }
}
