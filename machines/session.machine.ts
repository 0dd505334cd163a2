import { assign, type ErrorActorEvent, fromCallback, fromPromise, setup } from "xstate";
import { NO_REMOTE_EVENTS, type RemoteEvents } from "./remote-events.ts";

/**
 * The agent session (SK: agent/session.go, agent/agent.go): pick a manager,
 * open Dispatcher.Session, wait for the first SessionMessage, heartbeat at the
 * period the dispatcher returns; on any error close, back off
 * (min(initial + 2·backoff, max): 100 ms, 300 ms, 700 ms … 8 s in the swarm
 * profile), wait a delay drawn in [0, backoff) and select again, presenting the
 * old session ID. Pure: every effect is named and provided by src/agent/.
 */

/** A gRPC status as the session sees it: the numeric code and Swarm's message. */
export interface SessionError {
  readonly code: number;
  readonly message: string;
}

/** A manager from SessionMessage.managers. */
export interface WeightedManager {
  readonly nodeId: string;
  readonly addr: string;
  readonly weight: number;
}

export interface SessionTiming {
  /** dispatcherRPCTimeout: bound on the first SessionMessage ("session initiation timed out"). */
  readonly sessionInitTimeoutMs: number;
  /** dispatcherRPCTimeout: bound on each Heartbeat. */
  readonly heartbeatTimeoutMs: number;
  /** initialSessionFailureBackoff and maxSessionFailureBackoff. */
  readonly backoffInitialMs: number;
  readonly backoffMaxMs: number;
}

export interface SessionInput {
  readonly timing: SessionTiming;
  /** A session ID kept from an earlier run, presented on the first Session call. */
  readonly sessionId?: string;
}

export interface SessionContext {
  readonly timing: SessionTiming;
  /** The manager the current (or last) attempt talks to. */
  managerAddr: string;
  managerNodeId: string;
  /** Adopted from the first SessionMessage; kept across failures and sent again, as Swarm does. */
  sessionId: string;
  /** The period the last Heartbeat returned. */
  heartbeatPeriodMs: number;
  /** Failure backoff: 0 after registration, min(initial + 2·backoff, max) on each failure. */
  backoffMs: number;
  /** The reconnect delay drawn from [0, backoffMs) for the next attempt; 0 at first. */
  delayMs: number;
  /** The managers of the last SessionMessage. */
  managers: WeightedManager[];
  /** The error that ended the last attempt. */
  lastError: SessionError | null;
  /** How many times a session was registered. */
  registrations: number;
}

export type SessionEvent =
  /** A SessionMessage from the stream; `message` is the decoded wire message, opaque here. */
  | { type: "SESSION_MESSAGE"; sessionId: string; managers: WeightedManager[]; message: unknown }
  /** The Session stream (or the Assignments stream) failed or ended. */
  | { type: "SESSION_ERROR"; error: SessionError }
  | { type: "STOP" };

export interface SelectedManager {
  readonly nodeId: string;
  readonly addr: string;
}

export interface OpenSessionInput {
  readonly addr: string;
  readonly sessionId: string;
}

export interface HeartbeatInput {
  readonly addr: string;
  readonly sessionId: string;
}

export interface HeartbeatOutput {
  readonly periodMs: number;
}

/** gRPC codes the session decides on (Go's codes package). */
const NOT_FOUND = 5;
const DEADLINE_EXCEEDED = 4;
const PERMISSION_DENIED = 7;
const UNKNOWN = 2;

const asSessionError = (e: unknown): SessionError => {
  if (typeof e === "object" && e !== null && "code" in e && "message" in e) {
    const { code, message } = e as { code: unknown; message: unknown };
    if (typeof code === "number" && typeof message === "string") return { code, message };
  }
  return { code: UNKNOWN, message: e instanceof Error ? e.message : String(e) };
};

export const sessionMachine = setup({
  types: {
    context: {} as SessionContext,
    events: {} as SessionEvent,
    input: {} as SessionInput,
  },
  actors: {
    /** connectionbroker.Select: a weighted-random manager from remotes. */
    selectManager: fromPromise<SelectedManager>(async () => {
      throw new Error("selectManager not provided");
    }),
    /** Dispatcher.Session: sends SESSION_MESSAGE for each message and SESSION_ERROR when the stream fails. */
    openSession: fromCallback<SessionEvent, OpenSessionInput>(() => () => {}),
    /** Dispatcher.Assignments after registration: sends SESSION_ERROR when the stream fails. */
    watchAssignments: fromCallback<SessionEvent, OpenSessionInput>(() => () => {}),
    /** Dispatcher.Heartbeat: resolves with the period to wait, rejects with a {code, message}. */
    heartbeat: fromPromise<HeartbeatOutput, HeartbeatInput>(async () => {
      throw new Error("heartbeat not provided");
    }),
  },
  delays: {
    reconnectDelay: ({ context }) => context.delayMs,
    sessionInitTimeout: ({ context }) => context.timing.sessionInitTimeoutMs,
    heartbeatTimeout: ({ context }) => context.timing.heartbeatTimeoutMs,
    heartbeatPeriod: ({ context }) => context.heartbeatPeriodMs,
  },
  guards: {
    /** PermissionDenied "Permission denied: node %s was removed from swarm" (SK: ca/auth.go). */
    removedFromSwarm: ({ context }) =>
      context.lastError?.code === PERMISSION_DENIED && context.lastError.message.includes("was removed from swarm"),
  },
  actions: {
    adoptManager: assign((_, selected: SelectedManager) => ({
      managerAddr: selected.addr,
      managerNodeId: selected.nodeId,
    })),
    recordSelectError: assign((_, error: unknown) => ({ lastError: asSessionError(error) })),
    recordSessionError: assign({
      lastError: ({ event }) => (event.type === "SESSION_ERROR" ? event.error : null),
    }),
    recordInitTimeout: assign({ lastError: { code: UNKNOWN, message: "session initiation timed out" } }),
    /** A NotFound from the dispatcher means errNodeNotRegistered: the next Session re-registers. */
    recordHeartbeatError: assign((_, error: unknown) => {
      const e = asSessionError(error);
      return { lastError: e.code === NOT_FOUND ? { code: NOT_FOUND, message: "node not registered" } : e };
    }),
    recordHeartbeatTimeout: assign({ lastError: { code: DEADLINE_EXCEEDED, message: "context deadline exceeded" } }),
    adoptSession: assign(({ context, event }) =>
      event.type === "SESSION_MESSAGE"
        ? {
            sessionId: event.sessionId,
            managers: event.managers,
            backoffMs: 0,
            lastError: null,
            registrations: context.registrations + 1,
          }
        : {},
    ),
    updateFromMessage: assign(({ event }) => (event.type === "SESSION_MESSAGE" ? { managers: event.managers } : {})),
    adoptHeartbeatPeriod: assign((_, output: HeartbeatOutput) => ({ heartbeatPeriodMs: output.periodMs })),
    growBackoff: assign({
      backoffMs: ({ context }) =>
        Math.min(context.timing.backoffInitialMs + 2 * context.backoffMs, context.timing.backoffMaxMs),
    }),
    /** Deterministic here (the full backoff); the shell provides rand.Int63n(backoff). */
    drawReconnectDelay: assign({ delayMs: ({ context }) => context.backoffMs }),
    /** connectionbroker Conn.Close(false): the shell closes the channel and observes −10. */
    closeSession: () => {},
    /** The shell observes +10 for the manager that registered the session. */
    observeManagerSuccess: () => {},
    notifySessionMessage: () => {},
    notifyRegistered: () => {},
    notifyClosed: () => {},
  },
}).createMachine({
  id: "session",
  context: ({ input }) => ({
    timing: input.timing,
    managerAddr: "",
    managerNodeId: "",
    sessionId: input.sessionId ?? "",
    heartbeatPeriodMs: 0,
    backoffMs: 0,
    delayMs: 0,
    managers: [],
    lastError: null,
    registrations: 0,
  }),
  initial: "selecting",
  on: {
    STOP: ".stopped",
  },
  states: {
    selecting: {
      invoke: {
        src: "selectManager",
        onDone: { target: "connecting", actions: { type: "adoptManager", params: ({ event }) => event.output } },
        onError: {
          target: "failed",
          actions: { type: "recordSelectError", params: ({ event }: { event: ErrorActorEvent }) => event.error },
        },
      },
    },
    connecting: {
      invoke: {
        src: "openSession",
        input: ({ context }) => ({ addr: context.managerAddr, sessionId: context.sessionId }),
      },
      exit: "closeSession",
      on: {
        SESSION_ERROR: { target: "failed", actions: "recordSessionError" },
      },
      initial: "initiating",
      states: {
        initiating: {
          after: {
            sessionInitTimeout: { target: "#session.failed", actions: "recordInitTimeout" },
          },
          on: {
            SESSION_MESSAGE: {
              target: "registered",
              actions: ["adoptSession", "observeManagerSuccess", "notifySessionMessage", "notifyRegistered"],
            },
          },
        },
        registered: {
          invoke: {
            src: "watchAssignments",
            input: ({ context }) => ({ addr: context.managerAddr, sessionId: context.sessionId }),
          },
          on: {
            SESSION_MESSAGE: { actions: ["updateFromMessage", "notifySessionMessage"] },
          },
          initial: "heartbeating",
          states: {
            heartbeating: {
              invoke: {
                src: "heartbeat",
                input: ({ context }) => ({ addr: context.managerAddr, sessionId: context.sessionId }),
                onDone: {
                  target: "waitingForNextHeartbeat",
                  actions: { type: "adoptHeartbeatPeriod", params: ({ event }) => event.output },
                },
                onError: {
                  target: "#session.failed",
                  actions: {
                    type: "recordHeartbeatError",
                    params: ({ event }: { event: ErrorActorEvent }) => event.error,
                  },
                },
              },
              after: {
                heartbeatTimeout: { target: "#session.failed", actions: "recordHeartbeatTimeout" },
              },
            },
            waitingForNextHeartbeat: {
              after: { heartbeatPeriod: "heartbeating" },
            },
          },
        },
      },
    },
    /** Transient: the attempt ended; grow the backoff, draw the delay, tell the shell. */
    failed: {
      entry: ["growBackoff", "drawReconnectDelay", "notifyClosed"],
      always: [{ guard: "removedFromSwarm", target: "rejected" }, { target: "backingOff" }],
    },
    backingOff: {
      after: { reconnectDelay: "selecting" },
    },
    /**
     * The manager said this node was removed from the swarm. Swarm's agent has
     * no special case for it (only a first-session TLS failure on join makes it
     * exit): it keeps retrying with backoff. So does this state, but it stays
     * readable as its own state while it waits.
     */
    rejected: {
      after: { reconnectDelay: "selecting" },
    },
    stopped: { type: "final" },
  },
});

/**
 * Events the bus may send to the session actor: none. SESSION_MESSAGE and
 * SESSION_ERROR are what the agent's own Dispatcher streams returned, STOP
 * is the agent shutting down.
 */
export const sessionRemoteEvents: RemoteEvents = NO_REMOTE_EVENTS;
