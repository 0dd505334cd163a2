import { assign, setup } from "xstate";
import { NO_REMOTE_EVENTS, type RemoteEvents } from "./remote-events.ts";

/**
 * A Raft member's role, as inspectors and the dashboard show it (SwarmKit
 * manager/state/raft/raft.go over etcd/raft's StateType): follower,
 * preCandidate, candidate, leader — and removed (final) once this member was
 * removed from the cluster.
 *
 * One source of truth: this machine decides nothing. The shell (src/raft/node)
 * sends CORE_STATE after every step that changed the core's role, term or
 * leader, and the guards route it to the state named by `role`, so the state
 * shown is always the role the core has (the same role only updates term and
 * leader, without leaving the state). REMOVED comes when a committed
 * ConfChange removed this member.
 *
 * Named actions let the shell start and stop leader-only components:
 * `announceLeader` on entering leader, `announceFollower` on leaving it (context still holds the term it led; SwarmKit
 * publishes IsFollower then and cancels pending proposals), `announceRemoved`
 * on removal.
 */
export type RaftMachineRole = "follower" | "preCandidate" | "candidate" | "leader";

export interface RaftMachineContext {
  readonly raftId: string;
  /** The core's current term. */
  term: number;
  /** The leader this member knows of; "0" for none. */
  lead: string;
}

export type RaftMachineEvent =
  | { type: "CORE_STATE"; role: RaftMachineRole; term: number; lead: string }
  | { type: "REMOVED" };

export const raftMachine = setup({
  types: {
    context: {} as RaftMachineContext,
    events: {} as RaftMachineEvent,
    input: {} as { raftId: string; term?: number; lead?: string },
  },
  actions: {
    announceLeader: () => {},
    announceFollower: () => {},
    announceRemoved: () => {},
    recordCoreState: assign({
      term: ({ context, event }) => (event.type === "CORE_STATE" ? event.term : context.term),
      lead: ({ context, event }) => (event.type === "CORE_STATE" ? event.lead : context.lead),
    }),
  },
  guards: {
    isRole: ({ event }, params: { role: RaftMachineRole }) => event.type === "CORE_STATE" && event.role === params.role,
  },
}).createMachine({
  id: "raft",
  context: ({ input }) => ({ raftId: input.raftId, term: input.term ?? 0, lead: input.lead ?? "0" }),
  initial: "follower",
  on: {
    CORE_STATE: [
      { guard: { type: "isRole", params: { role: "follower" } }, target: ".follower", actions: "recordCoreState" },
      {
        guard: { type: "isRole", params: { role: "preCandidate" } },
        target: ".preCandidate",
        actions: "recordCoreState",
      },
      { guard: { type: "isRole", params: { role: "candidate" } }, target: ".candidate", actions: "recordCoreState" },
      { guard: { type: "isRole", params: { role: "leader" } }, target: ".leader", actions: "recordCoreState" },
    ],
    REMOVED: ".removed",
  },
  states: {
    /** Follows `lead` (or waits for one: lead "0"). */
    follower: {
      on: { CORE_STATE: { guard: { type: "isRole", params: { role: "follower" } }, actions: "recordCoreState" } },
    },
    /** Pre-vote: asks whether it could win before raising its term. */
    preCandidate: {
      on: { CORE_STATE: { guard: { type: "isRole", params: { role: "preCandidate" } }, actions: "recordCoreState" } },
    },
    /** Campaigning in `term`. */
    candidate: {
      on: { CORE_STATE: { guard: { type: "isRole", params: { role: "candidate" } }, actions: "recordCoreState" } },
    },
    /** Leader of `term`: leader-only components run while here. */
    leader: {
      on: { CORE_STATE: { guard: { type: "isRole", params: { role: "leader" } }, actions: "recordCoreState" } },
      entry: "announceLeader",
      exit: "announceFollower",
    },
    /** Removed from the cluster: its Raft ID is never used again. */
    removed: {
      type: "final",
      entry: "announceRemoved",
    },
  },
});

/**
 * Events the bus may send to the raft actor: none. It mirrors the Raft core,
 * which alone decides the role: CORE_STATE and REMOVED come from that core.
 */
export const raftRemoteEvents: RemoteEvents = NO_REMOTE_EVENTS;
