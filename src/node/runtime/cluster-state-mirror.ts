import type { Logger } from "pino";
import type { Actor } from "xstate";
import type { clusterStateMachine } from "../../../machines/cluster-state.machine.ts";
import type { NodeContext } from "../../../machines/node.machine.ts";
import { SWARM_LOCKED_MESSAGE } from "../errors.ts";

/**
 * moby's nodeRunner state as `docker info` reads it: the node machine's
 * announcements, mirrored into the clusterState actor.
 */
export function clusterStateMirror(clusterState: Actor<typeof clusterStateMachine>, log: Logger) {
  return {
    starting: (context: NodeContext) => clusterState.send({ type: "NODE_STARTED", error: context.error }),
    ready: () => clusterState.send({ type: "NODE_READY" }),
    exited: (context: NodeContext) => {
      if (context.error) log.error({ err: context.error }, "cluster exited with error");
      // moby detectLockedError: a start that could not open the node key leaves the node locked.
      clusterState.send({ type: "NODE_EXITED", error: context.error, locked: context.error === SWARM_LOCKED_MESSAGE });
    },
    restarting: (context: NodeContext) => {
      log.info(`Restarting swarm in ${(context.reconnectDelayMs / 1000).toFixed(2)} seconds`);
      clusterState.send({ type: "RECONNECT_SCHEDULED", delayMs: context.reconnectDelayMs });
    },
    inactive: () => clusterState.send({ type: "NODE_REMOVED" }),
  };
}
