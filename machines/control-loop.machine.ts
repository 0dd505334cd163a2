import { assign, setup } from "xstate";
import { NO_REMOTE_EVENTS, type RemoteEvents } from "./remote-events.ts";

/**
 * One leader-only control loop of the manager (SK: the orchestrators, the
 * allocator, the scheduler, the task reaper): each collects store changes and
 * acts on a commit tick. The shell tells it that something relevant changed
 * (CHANGED); the loop waits for a quiet gap (`debounce`, restarted by each
 * change) but never longer than `maxLatency` since the first change (SK
 * scheduler: commitDebounceGap 50 ms, maxLatency 1 s), then runs one pass
 * (the named action `runPass`, performed by the shell, which answers with
 * PASS_DONE or PASS_FAILED). A change during a pass runs another one after it.
 *
 * Pure: the pass, the delays and the clock are the shell's.
 */
/**
 * The actors that run this machine: the leader's loops that turn services into placed tasks, in the
 * order they start (`taskreaper` as SwarmKit names it: `task-` begins only task actors).
 */
export const CONTROL_LOOP_ACTORS = [
  "orchestrator-replicated",
  "orchestrator-global",
  "allocator",
  "scheduler",
  "taskreaper",
  "constraint-enforcer",
] as const;

export interface ControlLoopContext {
  /** Passes run so far. */
  runs: number;
  /** How many store changes the last pass wrote. */
  lastBatch: number;
  /** The last pass's failure, "" after a pass that succeeded. */
  lastError: string;
  /** A change arrived while a pass ran: another pass follows. */
  again: boolean;
}

export type ControlLoopEvent =
  | { type: "CHANGED" }
  | { type: "PASS_DONE"; changes: number }
  | { type: "PASS_FAILED"; error: string };

export const controlLoopMachine = setup({
  types: {
    context: {} as ControlLoopContext,
    events: {} as ControlLoopEvent,
  },
  actions: {
    runPass: () => {},
    countRun: assign({ runs: ({ context }) => context.runs + 1, again: false }),
    markAgain: assign({ again: true }),
    recordDone: assign({
      lastBatch: ({ event }) => (event.type === "PASS_DONE" ? event.changes : 0),
      lastError: "",
    }),
    recordFailure: assign({
      lastBatch: 0,
      lastError: ({ event }) => (event.type === "PASS_FAILED" ? event.error : ""),
    }),
  },
  guards: {
    again: ({ context }) => context.again,
  },
  delays: {
    debounce: 50,
    maxLatency: 1000,
  },
}).createMachine({
  id: "controlLoop",
  context: { runs: 0, lastBatch: 0, lastError: "", again: false },
  initial: "idle",
  states: {
    idle: {
      on: { CHANGED: "pending" },
    },
    pending: {
      initial: "quiet",
      after: { maxLatency: "running" },
      states: {
        /** Waiting for a gap in the changes; each change restarts the gap, not maxLatency. */
        quiet: {
          after: { debounce: "#controlLoop.running" },
          on: { CHANGED: { target: "quiet", reenter: true } },
        },
      },
    },
    running: {
      entry: ["countRun", "runPass"],
      on: {
        CHANGED: { actions: "markAgain" },
        PASS_DONE: [
          { guard: "again", target: "pending", actions: "recordDone" },
          { target: "idle", actions: "recordDone" },
        ],
        PASS_FAILED: [
          { guard: "again", target: "pending", actions: "recordFailure" },
          { target: "idle", actions: "recordFailure" },
        ],
      },
    },
  },
});

/** Nothing from the bus: a pass is triggered by the leader's own store, never by a sender. */
export const controlLoopRemoteEvents: RemoteEvents = NO_REMOTE_EVENTS;
