import { and, assign, fromPromise, or, raise, setup, stateIn } from "xstate";
import { NO_REMOTE_EVENTS, type RemoteEvents } from "./remote-events.ts";

/**
 * The node supervisor: SwarmKit's `node/node.go` (agent always on, manager only
 * while the role is manager) wrapped in moby's noderunner (restart with a
 * doubling delay, first-run failures reported to `swarm init`/`swarm join`).
 *
 * Pure: every effect is named and supplied by the daemon shell with `.provide()`.
 */

export type NodeRole = "manager" | "worker";
/** How the node starts: `init` a new cluster, `join` with a token, or `load` the state dir. */
export type StartMode = "init" | "join" | "load";

export interface NodeMachineInput {
  /** moby initialReconnectDelay (doubled before its first use). */
  readonly reconnectDelayInitialMs: number;
  /** moby maxReconnectDelay. */
  readonly reconnectDelayMaxMs: number;
}

export interface NodeContext {
  readonly reconnectDelayInitialMs: number;
  readonly reconnectDelayMaxMs: number;
  /** The delay of the next restart, as moby's nodeRunner.reconnectDelay. */
  reconnectDelayMs: number;
  mode: StartMode;
  /** The role the node holds now (certificate OU / desired role). */
  role: NodeRole;
  /** The role this run started with: a manager start is ready only once its manager is. */
  startedAsManager: boolean;
  /** No run has exited yet (moby's !repeatedRun). */
  firstRun: boolean;
  /** The current run became ready (moby's closed `ready`). */
  readyThisRun: boolean;
  /** An init/join request still waits for this start's outcome. */
  callerWaiting: boolean;
  /** The last exit error (moby's nodeRunner.err), null when none. */
  error: string | null;
}

export type NodeEvent =
  | { type: "START"; mode: StartMode }
  | { type: "AGENT_READY" }
  | { type: "ROLE_CHANGED"; role: NodeRole }
  | { type: "NODE_EXITED"; error: string }
  | { type: "CALLER_GAVE_UP" }
  | { type: "LEAVE" }
  | { type: "SHUTDOWN" };

export interface StartNodeInput {
  readonly mode: StartMode;
}
export interface StartNodeOutput {
  readonly role: NodeRole;
}
export interface StopManagerInput {
  readonly clearData: boolean;
}

const notProvided = (name: string) => () => Promise.reject(new Error(`${name}: not provided`));

export const nodeMachine = setup({
  types: {
    context: {} as NodeContext,
    events: {} as NodeEvent,
    input: {} as NodeMachineInput,
  },
  actors: {
    /** Load the state dir, or create a cluster, or join with a token; resolves with the role. */
    startNode: fromPromise<StartNodeOutput, StartNodeInput>(notProvided("startNode")),
    /** Start the manager; resolves once its control API serves. */
    startManager: fromPromise<void, void>(notProvided("startManager")),
    /** Stop the manager; clearData wipes its Raft data (a demoted manager). */
    stopManager: fromPromise<void, StopManagerInput>(notProvided("stopManager")),
    /** Stop agent and manager, keep the state dir. */
    stopNode: fromPromise<void, void>(notProvided("stopNode")),
    /** Stop agent and manager and clear the state dir contents. */
    leaveSwarm: fromPromise<void, void>(notProvided("leaveSwarm")),
  },
  actions: {
    startAgent: () => {},
    announceStarting: () => {},
    announceReady: () => {},
    announceExit: () => {},
    announceRestart: () => {},
    announceInactive: () => {},
    reportStartFailure: () => {},
    leftSwarm: () => {},
    reportLeaveFailure: () => {},
    logManagerStopping: () => {},
    beginRun: assign({ readyThisRun: false, startedAsManager: false }),
    markReady: assign({ readyThisRun: true, callerWaiting: false, error: null }),
    markRepeatedRun: assign({ firstRun: false }),
    forgetJoinAddress: assign({ mode: "load" as StartMode }),
    doubleReconnectDelay: assign({
      reconnectDelayMs: ({ context }) => Math.min(context.reconnectDelayMs * 2, context.reconnectDelayMaxMs),
    }),
  },
  guards: {
    roleIsManager: ({ context }) => context.role === "manager",
    roleIsWorker: ({ context }) => context.role === "worker",
    startedAsWorker: ({ context }) => !context.startedAsManager,
    wasReadyThisRun: ({ context }) => context.readyThisRun,
    isRepeatedRun: ({ context }) => !context.firstRun,
    callerIsWaiting: ({ context }) => context.callerWaiting,
    nodeIsReady: and([
      stateIn("#node.running.agent.ready"),
      or(["startedAsWorker", stateIn("#node.running.manager.ready"), "roleIsWorker"]),
    ]),
  },
  delays: {
    reconnectDelay: ({ context }) => context.reconnectDelayMs,
  },
}).createMachine({
  id: "node",
  context: ({ input }) => ({
    reconnectDelayInitialMs: input.reconnectDelayInitialMs,
    reconnectDelayMaxMs: input.reconnectDelayMaxMs,
    reconnectDelayMs: input.reconnectDelayInitialMs,
    mode: "load",
    role: "worker",
    startedAsManager: false,
    firstRun: true,
    readyThisRun: false,
    callerWaiting: false,
    error: null,
  }),
  initial: "inactive",
  states: {
    inactive: {
      entry: "announceInactive",
      on: {
        START: {
          target: "starting",
          actions: assign({
            mode: ({ event }) => event.mode,
            role: "worker",
            firstRun: true,
            callerWaiting: ({ event }) => event.mode !== "load",
            error: null,
            reconnectDelayMs: ({ context }) => context.reconnectDelayInitialMs,
          }),
        },
      },
    },
    starting: {
      entry: ["beginRun", "announceStarting"],
      invoke: {
        src: "startNode",
        input: ({ context }) => ({ mode: context.mode }),
        onDone: {
          target: "running",
          actions: assign({
            role: ({ event }) => event.output.role,
            startedAsManager: ({ event }) => event.output.role === "manager",
          }),
        },
        onError: {
          target: "exited",
          actions: assign({ error: ({ event }) => errorText(event.error) }),
        },
      },
      on: {
        CALLER_GAVE_UP: { actions: assign({ callerWaiting: false }) },
        LEAVE: "leaving",
        SHUTDOWN: "stopping",
      },
    },
    running: {
      type: "parallel",
      entry: "startAgent",
      on: {
        ROLE_CHANGED: { actions: assign({ role: ({ event }) => event.role }) },
        NODE_EXITED: {
          target: "exiting",
          actions: assign({ error: ({ event }) => event.error }),
        },
        CALLER_GAVE_UP: { actions: assign({ callerWaiting: false }) },
        LEAVE: "leaving",
        SHUTDOWN: "stopping",
      },
      states: {
        agent: {
          initial: "connecting",
          states: {
            connecting: { on: { AGENT_READY: "ready" } },
            ready: {},
          },
        },
        manager: {
          initial: "off",
          states: {
            off: {
              always: { guard: "roleIsManager", target: "starting" },
            },
            starting: {
              invoke: {
                src: "startManager",
                onDone: "ready",
                onError: {
                  actions: raise(({ event }) => ({
                    type: "NODE_EXITED" as const,
                    error: `manager stopped: ${errorText(event.error)}`,
                  })),
                },
              },
            },
            ready: {
              always: { guard: "roleIsWorker", target: "stopping", actions: "logManagerStopping" },
            },
            stopping: {
              invoke: {
                src: "stopManager",
                input: { clearData: true },
                onDone: "off",
                onError: {
                  actions: raise(({ event }) => ({
                    type: "NODE_EXITED" as const,
                    error: `manager stopped: ${errorText(event.error)}`,
                  })),
                },
              },
            },
          },
        },
        readiness: {
          initial: "waiting",
          states: {
            waiting: {
              always: { guard: "nodeIsReady", target: "ready", actions: ["markReady", "announceReady"] },
            },
            ready: {},
          },
        },
      },
    },
    exiting: {
      invoke: { src: "stopNode", onDone: "exited", onError: "exited" },
      on: { LEAVE: "leaving", SHUTDOWN: "stopping" },
    },
    exited: {
      entry: "announceExit",
      exit: "markRepeatedRun",
      always: [
        {
          guard: "wasReadyThisRun",
          target: "restarting",
          actions: ["forgetJoinAddress", "doubleReconnectDelay"],
        },
        { guard: "isRepeatedRun", target: "restarting", actions: "doubleReconnectDelay" },
        { guard: "callerIsWaiting", target: "inactive", actions: "reportStartFailure" },
        { target: "failed" },
      ],
    },
    restarting: {
      entry: "announceRestart",
      after: { reconnectDelay: "starting" },
      on: { LEAVE: "leaving", SHUTDOWN: "stopping" },
    },
    failed: {
      on: { LEAVE: "leaving", SHUTDOWN: "stopping" },
    },
    leaving: {
      invoke: {
        src: "leaveSwarm",
        onDone: { target: "inactive", actions: "leftSwarm" },
        onError: { target: "inactive", actions: "reportLeaveFailure" },
      },
    },
    stopping: {
      invoke: { src: "stopNode", onDone: "inactive", onError: "inactive" },
    },
  },
});

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/**
 * Events the bus may send to the node actor: none. START, LEAVE and SHUTDOWN
 * come from the daemon API (`swarm init/join/leave`, whose guards — leave
 * without --force on the last manager — must not be bypassed), ROLE_CHANGED
 * from the certificate renewer, AGENT_READY and NODE_EXITED from the node's
 * own runs, CALLER_GAVE_UP from a waiting API call.
 */
export const nodeRemoteEvents: RemoteEvents = NO_REMOTE_EVENTS;
