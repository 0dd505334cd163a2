import { assign, setup } from "xstate";
import { NO_REMOTE_EVENTS, type RemoteEvents } from "./remote-events.ts";

/**
 * The dispatcher's view of one node (SwarmKit manager/dispatcher/nodes.go,
 * manager/heartbeat/heartbeat.go): UNKNOWN / READY / DOWN as NodeStatus.State.
 *
 * - REGISTERED (a Session registered the node) → ready; the grace period
 *   (chosen heartbeat period × 3, jittered by the shell) travels in the event.
 * - HEARTBEAT resets the grace timer; expiry → down, "heartbeat failure".
 * - LEADERSHIP_CHANGED (the dispatcher starts on a new leader, markNodesUnknown)
 *   → unknown with grace × 6 (carried in the event); expiry → down,
 *   `heartbeat failure for node in "unknown" state`. A node already DOWN stays down.
 * - REMOVED (the node object was deleted) → final.
 *
 * Store writes are the named action `writeStatus`; `unregister` drops the
 * node's session so its later RPCs get NotFound "node not registered".
 */
export type LivenessStatus = "UNKNOWN" | "DOWN";

export const HEARTBEAT_FAILURE = "heartbeat failure";
export const HEARTBEAT_FAILURE_UNKNOWN = 'heartbeat failure for node in "unknown" state';
export const MOVED_TO_UNKNOWN = 'Node moved to "unknown" state due to leadership change in cluster';

export type NodeLivenessEvent =
  | { type: "REGISTERED"; graceMs: number }
  | { type: "HEARTBEAT"; graceMs: number }
  | { type: "LEADERSHIP_CHANGED"; graceMs: number; wasDown: boolean }
  | { type: "REMOVED" };

export interface NodeLivenessContext {
  nodeId: string;
  /** The grace period the running timer was armed with. */
  graceMs: number;
  /** The status message last written by this actor ("" for READY). */
  message: string;
}

export const nodeLivenessMachine = setup({
  types: {
    context: {} as NodeLivenessContext,
    events: {} as NodeLivenessEvent,
    input: {} as { nodeId: string },
  },
  actions: {
    writeStatus: (_, _params: { state: LivenessStatus; message: string }) => {},
    unregister: () => {},
    rememberGrace: assign({
      graceMs: ({ context, event }) => ("graceMs" in event ? event.graceMs : context.graceMs),
    }),
    rememberMessage: assign({ message: (_, params: { message: string }) => params.message }),
  },
  guards: {
    wasDown: ({ event }) => event.type === "LEADERSHIP_CHANGED" && event.wasDown,
  },
  delays: {
    gracePeriod: ({ context }) => context.graceMs,
  },
}).createMachine({
  id: "nodeLiveness",
  context: ({ input }) => ({ nodeId: input.nodeId, graceMs: 0, message: "" }),
  initial: "unknown",
  on: {
    REMOVED: ".removed",
  },
  states: {
    unknown: {
      initial: "untracked",
      states: {
        /** A new node object (UNKNOWN, empty message) that has not registered yet: no timer. */
        untracked: {},
        /** Moved here by a leadership change: waits grace × 6 for the node to register again. */
        awaitingRegistration: {
          after: {
            gracePeriod: {
              target: "#nodeLiveness.down",
              actions: [
                { type: "writeStatus", params: { state: "DOWN", message: HEARTBEAT_FAILURE_UNKNOWN } },
                { type: "rememberMessage", params: { message: HEARTBEAT_FAILURE_UNKNOWN } },
                "unregister",
              ],
            },
          },
        },
      },
      on: {
        REGISTERED: {
          target: "ready",
          actions: ["rememberGrace", { type: "rememberMessage", params: { message: "" } }],
        },
        LEADERSHIP_CHANGED: [
          { guard: "wasDown", target: "down" },
          {
            target: ".awaitingRegistration",
            reenter: true,
            actions: [
              "rememberGrace",
              { type: "writeStatus", params: { state: "UNKNOWN", message: MOVED_TO_UNKNOWN } },
              { type: "rememberMessage", params: { message: MOVED_TO_UNKNOWN } },
            ],
          },
        ],
      },
    },
    ready: {
      after: {
        gracePeriod: {
          target: "down",
          actions: [
            { type: "writeStatus", params: { state: "DOWN", message: HEARTBEAT_FAILURE } },
            { type: "rememberMessage", params: { message: HEARTBEAT_FAILURE } },
            "unregister",
          ],
        },
      },
      on: {
        HEARTBEAT: { target: "ready", reenter: true, actions: "rememberGrace" },
        REGISTERED: { target: "ready", reenter: true, actions: "rememberGrace" },
        LEADERSHIP_CHANGED: {
          target: "unknown.awaitingRegistration",
          actions: [
            "rememberGrace",
            { type: "writeStatus", params: { state: "UNKNOWN", message: MOVED_TO_UNKNOWN } },
            { type: "rememberMessage", params: { message: MOVED_TO_UNKNOWN } },
          ],
        },
      },
    },
    down: {
      on: {
        REGISTERED: {
          target: "ready",
          actions: ["rememberGrace", { type: "rememberMessage", params: { message: "" } }],
        },
      },
    },
    removed: { type: "final" },
  },
});

/**
 * Events the bus may send to a liveness actor: none. REGISTERED and HEARTBEAT
 * are what the dispatcher saw on a node's session, LEADERSHIP_CHANGED and
 * REMOVED what the leader's store said; a forged one would mark a node Ready
 * or Down that is not.
 */
export const nodeLivenessRemoteEvents: RemoteEvents = NO_REMOTE_EVENTS;
