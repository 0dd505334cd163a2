import { assign, setup } from "xstate";
import { NO_REMOTE_EVENTS, type RemoteEvents } from "./remote-events.ts";

/**
 * moby's LocalNodeState (`daemon/cluster/noderunner.go` nodeRunner.State()), as
 * `docker info` shows it, and the `Error` text beside it. The facts come from
 * the node machine; the state follows moby's rules in this order:
 *   no node runner                         → inactive
 *   an error, or a restart delay pending   → error (locked if the swarm is locked)
 *   the node became ready                  → active (stays so while the node runs)
 *   otherwise                              → pending
 */

export interface ClusterStateContext {
  /** A node runner exists (moby: c.nr != nil). */
  hasNode: boolean;
  /** The current run's `ready` is closed. */
  ready: boolean;
  /** moby nodeRunner.err, "" when none. */
  error: string;
  /** moby nodeRunner.cancelReconnect != nil. */
  reconnectPending: boolean;
  /** The error is errSwarmLocked. */
  locked: boolean;
}

export type ClusterStateEvent =
  /** A run starts: a fresh node (error null) or a restart that keeps the previous error. */
  | { type: "NODE_STARTED"; error: string | null }
  | { type: "NODE_READY" }
  /** The node exited; a node that had been ready keeps its closed `ready`. */
  | { type: "NODE_EXITED"; error: string | null; locked?: boolean }
  | { type: "RECONNECT_SCHEDULED"; delayMs: number }
  /** No node runner any more (left, failed init/join, shut down). */
  | { type: "NODE_REMOVED" };

export const clusterStateMachine = setup({
  types: {
    context: {} as ClusterStateContext,
    events: {} as ClusterStateEvent,
  },
  guards: {
    noNode: ({ context }) => !context.hasNode,
    isLocked: ({ context }) => context.locked && (context.error !== "" || context.reconnectPending),
    hasErrorOrPendingRestart: ({ context }) => context.error !== "" || context.reconnectPending,
    isReady: ({ context }) => context.ready,
  },
}).createMachine({
  id: "clusterState",
  context: { hasNode: false, ready: false, error: "", reconnectPending: false, locked: false },
  initial: "inactive",
  on: {
    NODE_STARTED: {
      target: ".deciding",
      actions: assign(({ event }) => ({
        hasNode: true,
        ready: false,
        reconnectPending: false,
        error: event.error ?? "",
      })),
    },
    NODE_READY: {
      target: ".deciding",
      actions: assign({ ready: true, error: "", locked: false }),
    },
    NODE_EXITED: {
      target: ".deciding",
      actions: assign(({ event }) => ({ error: event.error ?? "", locked: event.locked ?? false })),
    },
    RECONNECT_SCHEDULED: {
      target: ".deciding",
      actions: assign({ reconnectPending: true }),
    },
    NODE_REMOVED: {
      target: ".deciding",
      actions: assign({ hasNode: false, ready: false, error: "", reconnectPending: false, locked: false }),
    },
  },
  states: {
    deciding: {
      always: [
        { guard: "noNode", target: "inactive" },
        { guard: "isLocked", target: "locked" },
        { guard: "hasErrorOrPendingRestart", target: "error" },
        { guard: "isReady", target: "active" },
        { target: "pending" },
      ],
    },
    inactive: {},
    pending: {},
    active: {},
    error: {},
    /** An autolocked manager whose key could not be opened: it waits for `docker swarm unlock`. */
    locked: {},
  },
});

/**
 * Events the bus may send to the clusterState actor: none. Every event is a
 * fact the daemon's node runner observed (moby's nodeRunner); from anyone else
 * it would only make `info` lie.
 */
export const clusterStateRemoteEvents: RemoteEvents = NO_REMOTE_EVENTS;
