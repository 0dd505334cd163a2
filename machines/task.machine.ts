import { assign, fromPromise, setup } from "xstate";
import { NO_REMOTE_EVENTS, type RemoteEvents } from "./remote-events.ts";

/**
 * One task on the agent, driven by its desired state as SwarmKit's
 * agent/exec/controller.go `Do` drives it, one controller operation a state:
 *
 *   ASSIGNED ─resolve→ ACCEPTED ─(desired > ACCEPTED)→ PREPARING ─prepare→ READY
 *   READY ─(desired > READY)→ STARTING ─start→ RUNNING ─wait→ COMPLETE
 *
 * - The agent never passes its desired state, except PREPARING→READY,
 *   STARTING→RUNNING and RUNNING→COMPLETE (those operations always finish):
 *   a replacement created with desired READY prepares, then waits in READY.
 * - Desired ≥ SHUTDOWN, in any live state: the running operation is abandoned
 *   (SwarmKit cancels its context), `shutdown` runs, then SHUTDOWN "shutdown".
 *   Once ≥ COMPLETE nothing happens: the terminal states are final.
 * - A fatal error before STARTING → REJECTED, from STARTING on → FAILED, with
 *   `err` the error's text (the executor's, e.g. `task: non-zero exit (1)`)
 *   and the exit code the error carries. A temporary error (`temporary: true`)
 *   keeps the state, reports the err and retries after 1 s (taskManager).
 * - A lower desired state than the one held is ignored
 *   (`ignoring task update with invalid desired state`).
 *
 * Every status change runs the named action `reportStatus` after the context
 * holds the new status; the shell sends `context.status` to the manager.
 * Operations are the named actors `resolve`, `prepare`, `start`, `wait` and
 * `shutdown`, which the shell provides with a controller behind them.
 */

/** SwarmKit's TaskState numbers (api/types.proto): states compare by number and only move forward. */
export const TASK_STATE_NUMBER = {
  NEW: 0,
  PENDING: 64,
  ASSIGNED: 192,
  ACCEPTED: 256,
  PREPARING: 320,
  READY: 384,
  STARTING: 448,
  RUNNING: 512,
  COMPLETE: 576,
  SHUTDOWN: 640,
  FAILED: 704,
  REJECTED: 768,
  REMOVE: 800,
  ORPHANED: 832,
} as const;

export type TaskStateName = keyof typeof TASK_STATE_NUMBER;

export interface TaskStatus {
  state: TaskStateName;
  /** The routine message (`accepted`, `started`, …). */
  message: string;
  /** The user-facing error, on FAILED / REJECTED (and while a temporary error is retried); "" otherwise. */
  err: string;
  /** The program's exit code (0 until it is known to be something else). */
  exitCode: number;
  /** The process id once started, 0 before. */
  pid: number;
}

export interface TaskContext {
  taskId: string;
  desired: TaskStateName;
  status: TaskStatus;
}

export type TaskEvent = { type: "DESIRED_STATE_CHANGED"; desired: TaskStateName };

export interface TaskInput {
  taskId: string;
  desired: TaskStateName;
  /**
   * The task's last status, for an agent that restarted: the task resumes in
   * that state (Do continues from the status it is given) without reporting
   * it again. Absent for a new assignment (ASSIGNED).
   */
  status?: TaskStatus;
}

/** What `start` resolves with. */
export interface StartedProcess {
  pid: number;
}

/** The delay before a temporary error is retried (SwarmKit agent/task.go: 1 s). */
export const RETRY_DELAY_MS = 1000;

type StatusParams = { state: TaskStateName; message: string };

const rank = (s: TaskStateName): number => TASK_STATE_NUMBER[s];

/** The text and exit code of an operation's error, whatever was thrown. */
function errorFacts(error: unknown): { err: string; exitCode: number | undefined; temporary: boolean } {
  if (error instanceof Error) {
    const e = error as Error & { exitCode?: unknown; temporary?: unknown };
    return {
      err: e.message,
      exitCode: typeof e.exitCode === "number" ? e.exitCode : undefined,
      temporary: e.temporary === true,
    };
  }
  return { err: String(error), exitCode: undefined, temporary: false };
}

const errorOf = (event: unknown) => errorFacts((event as { error?: unknown }).error);

export const taskMachine = setup({
  types: {
    context: {} as TaskContext,
    events: {} as TaskEvent,
    input: {} as TaskInput,
  },
  actors: {
    resolve: fromPromise<void, { taskId: string }>(async () => {}),
    prepare: fromPromise<void, { taskId: string }>(async () => {}),
    start: fromPromise<StartedProcess, { taskId: string }>(async () => ({ pid: 0 })),
    wait: fromPromise<void, { taskId: string }>(async () => {}),
    shutdown: fromPromise<void, { taskId: string }>(async () => {}),
  },
  actions: {
    reportStatus: () => {},
    rememberDesired: assign({
      desired: ({ context, event }) => (event.type === "DESIRED_STATE_CHANGED" ? event.desired : context.desired),
    }),
    setStatus: assign({
      status: ({ context }, params: StatusParams) => ({ ...context.status, ...params, err: "" }),
    }),
    setStarted: assign({
      status: ({ context, event }) => ({
        ...context.status,
        state: "RUNNING" as const,
        message: "started",
        err: "",
        pid: (event as { output?: StartedProcess }).output?.pid ?? 0,
      }),
    }),
    /**
     * A fatal error: the state comes from params, the err and exit code from
     * the error; the message stays the last one unless params name one (Do's `fatal`).
     */
    setFatal: assign({
      status: ({ context, event }, params: { state: TaskStateName; message?: string }) => {
        const f = errorOf(event);
        return {
          ...context.status,
          state: params.state,
          message: params.message ?? context.status.message,
          err: f.err,
          exitCode: f.exitCode ?? context.status.exitCode,
        };
      },
    }),
    /** A temporary error: the state stays, the err is still reported (Do's `fatal` sets it before retrying). */
    setTemporary: assign({
      status: ({ context, event }) => ({ ...context.status, err: errorOf(event).err }),
    }),
  },
  guards: {
    /** Only a higher desired state is taken (agent/task.go). */
    desiredIsHigher: ({ context, event }) => rank(event.desired) > rank(context.desired),
    shutdownDesired: ({ context }) => rank(context.desired) >= rank("SHUTDOWN"),
    /**
     * A pause state is left when the desired state is above it; a desired
     * state ≥ SHUTDOWN is live's to take (Do checks it first), and a child's
     * eventless transition would otherwise win over its parent's.
     */
    proceedPast: ({ context }, params: { state: TaskStateName }) =>
      rank(context.desired) > rank(params.state) && rank(context.desired) < rank("SHUTDOWN"),
    temporaryError: ({ event }) => errorOf(event).temporary,
    resumesIn: ({ context }, params: { state: TaskStateName }) => context.status.state === params.state,
    /** Before STARTING a fatal error rejects the task, from STARTING on it fails it. */
    failedBeforeStarting: ({ context }) => rank(context.status.state) < rank("STARTING"),
  },
  delays: {
    retryDelay: RETRY_DELAY_MS,
  },
}).createMachine({
  id: "task",
  context: ({ input }) => ({
    taskId: input.taskId,
    desired: input.desired,
    status: input.status ?? { state: "ASSIGNED", message: "", err: "", exitCode: 0, pid: 0 },
  }),
  initial: "ASSIGNED",
  on: {
    DESIRED_STATE_CHANGED: { guard: "desiredIsHigher", actions: "rememberDesired" },
  },
  states: {
    /**
     * Getting a controller for the task (exec.Resolve): ACCEPTED when it
     * resolves, or, after an agent restart, back in the state of its last status.
     */
    ASSIGNED: {
      invoke: {
        src: "resolve",
        input: ({ context }) => ({ taskId: context.taskId }),
        onDone: [
          { guard: { type: "resumesIn", params: { state: "ACCEPTED" } }, target: "live.ACCEPTED" },
          { guard: { type: "resumesIn", params: { state: "PREPARING" } }, target: "live.PREPARING" },
          { guard: { type: "resumesIn", params: { state: "READY" } }, target: "live.READY" },
          { guard: { type: "resumesIn", params: { state: "STARTING" } }, target: "live.STARTING" },
          { guard: { type: "resumesIn", params: { state: "RUNNING" } }, target: "live.RUNNING" },
          { guard: { type: "resumesIn", params: { state: "COMPLETE" } }, target: "COMPLETE" },
          { guard: { type: "resumesIn", params: { state: "SHUTDOWN" } }, target: "SHUTDOWN" },
          { guard: { type: "resumesIn", params: { state: "FAILED" } }, target: "FAILED" },
          { guard: { type: "resumesIn", params: { state: "REJECTED" } }, target: "REJECTED" },
          {
            target: "live",
            actions: [{ type: "setStatus", params: { state: "ACCEPTED", message: "accepted" } }, "reportStatus"],
          },
        ],
        // Resolve: before STARTING a rejection, up to RUNNING a failure, an ended task stays as it ended
        onError: [
          { guard: { type: "resumesIn", params: { state: "COMPLETE" } }, target: "COMPLETE" },
          { guard: { type: "resumesIn", params: { state: "SHUTDOWN" } }, target: "SHUTDOWN" },
          { guard: { type: "resumesIn", params: { state: "FAILED" } }, target: "FAILED" },
          { guard: { type: "resumesIn", params: { state: "REJECTED" } }, target: "REJECTED" },
          {
            guard: "failedBeforeStarting",
            target: "REJECTED",
            actions: [
              { type: "setFatal", params: { state: "REJECTED", message: "resolving controller failed" } },
              "reportStatus",
            ],
          },
          {
            target: "FAILED",
            actions: [
              { type: "setFatal", params: { state: "FAILED", message: "resolving controller failed" } },
              "reportStatus",
            ],
          },
        ],
      },
    },
    /** Below COMPLETE: a desired state ≥ SHUTDOWN takes the task out of here, whatever runs. */
    live: {
      initial: "ACCEPTED",
      always: { guard: "shutdownDesired", target: "SHUTTING_DOWN" },
      states: {
        ACCEPTED: {
          always: {
            guard: { type: "proceedPast", params: { state: "ACCEPTED" } },
            target: "PREPARING",
            actions: [{ type: "setStatus", params: { state: "PREPARING", message: "preparing" } }, "reportStatus"],
          },
        },
        PREPARING: {
          initial: "working",
          states: {
            working: {
              invoke: {
                src: "prepare",
                input: ({ context }) => ({ taskId: context.taskId }),
                onDone: {
                  target: "#task.live.READY",
                  actions: [{ type: "setStatus", params: { state: "READY", message: "prepared" } }, "reportStatus"],
                },
                onError: [
                  { guard: "temporaryError", target: "retrying", actions: ["setTemporary", "reportStatus"] },
                  {
                    target: "#task.REJECTED",
                    actions: [{ type: "setFatal", params: { state: "REJECTED" } }, "reportStatus"],
                  },
                ],
              },
            },
            retrying: { after: { retryDelay: "working" } },
          },
        },
        READY: {
          always: {
            guard: { type: "proceedPast", params: { state: "READY" } },
            target: "STARTING",
            actions: [{ type: "setStatus", params: { state: "STARTING", message: "starting" } }, "reportStatus"],
          },
        },
        STARTING: {
          initial: "working",
          states: {
            working: {
              invoke: {
                src: "start",
                input: ({ context }) => ({ taskId: context.taskId }),
                onDone: { target: "#task.live.RUNNING", actions: ["setStarted", "reportStatus"] },
                onError: [
                  { guard: "temporaryError", target: "retrying", actions: ["setTemporary", "reportStatus"] },
                  {
                    target: "#task.FAILED",
                    actions: [{ type: "setFatal", params: { state: "FAILED" } }, "reportStatus"],
                  },
                ],
              },
            },
            retrying: { after: { retryDelay: "working" } },
          },
        },
        RUNNING: {
          invoke: {
            src: "wait",
            input: ({ context }) => ({ taskId: context.taskId }),
            onDone: {
              target: "#task.COMPLETE",
              actions: [{ type: "setStatus", params: { state: "COMPLETE", message: "finished" } }, "reportStatus"],
            },
            onError: {
              target: "#task.FAILED",
              actions: [{ type: "setFatal", params: { state: "FAILED" } }, "reportStatus"],
            },
          },
        },
      },
    },
    /** Shutdown runs; the status keeps the state it had until it is done (as Do's single step). */
    SHUTTING_DOWN: {
      invoke: {
        src: "shutdown",
        input: ({ context }) => ({ taskId: context.taskId }),
        onDone: {
          target: "SHUTDOWN",
          actions: [{ type: "setStatus", params: { state: "SHUTDOWN", message: "shutdown" } }, "reportStatus"],
        },
        onError: [
          {
            guard: "failedBeforeStarting",
            target: "REJECTED",
            actions: [{ type: "setFatal", params: { state: "REJECTED" } }, "reportStatus"],
          },
          {
            target: "FAILED",
            actions: [{ type: "setFatal", params: { state: "FAILED" } }, "reportStatus"],
          },
        ],
      },
    },
    COMPLETE: { type: "final" },
    SHUTDOWN: { type: "final" },
    FAILED: { type: "final" },
    REJECTED: { type: "final" },
  },
});

/**
 * Events the bus may send to a task actor: none. The desired state is the
 * manager's, delivered by the Assignments stream; a forged one would stop or
 * start a workload.
 */
export const taskRemoteEvents: RemoteEvents = NO_REMOTE_EVENTS;
