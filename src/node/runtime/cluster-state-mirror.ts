import type { Logger } from "pino";
import type { Actor } from "xstate";
import type { clusterStateMachine } from "../../../machines/cluster-state.machine.ts";
import type { NodeContext } from "../../../machines/node.machine.ts";

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
      clusterState.send({ type: "NODE_EXITED", error: context.error });
    },
    restarting: (context: NodeContext) => {
      log.info(`Restarting swarm in ${(context.reconnectDelayMs / 1000).toFixed(2)} seconds`);
      clusterState.send({ type: "RECONNECT_SCHEDULED", delayMs: context.reconnectDelayMs });
    },
    inactive: () => clusterState.send({ type: "NODE_REMOVED" }),
  };
}
