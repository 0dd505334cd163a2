import { type RpcError, rpcError } from "../rpc/status.ts";

/**
 * moby's daemon/cluster errors, printed by the CLI without the gRPC wrapper.
 * moby builds them all as notAvailableError, which its HTTP layer answers with
 * 503; the gRPC code that maps to 503 is Unavailable, so that is their code here.
 */
const plain = (message: string): RpcError => rpcError("Unavailable", message, { plain: true });

export const errSwarmExists = () =>
  plain('This node is already part of a swarm. Use "docker swarm leave" to leave this swarm and join another one.');

export const errNoSwarm = () => plain("This node is not part of a swarm");

export const errSwarmNotManager = () =>
  plain(
    "This node is not a swarm manager. Worker nodes can't be used to view or modify cluster state. Please run this command on a manager node or promote the current node to a manager.",
  );

/** errNoManager when there is no swarm node at all. */
export const errNoManagerNoNode = () =>
  plain(
    'This node is not a swarm manager. Use "docker swarm init" or "docker swarm join" to connect this node to swarm and try again.',
  );

/** errNoManager when a manager exists but its control API is not up yet. */
export const errManagerNotReady = () =>
  plain("This node is not a swarm manager. Manager is being prepared or has trouble connecting to the cluster.");

export const errSwarmJoinTimeoutReached = () =>
  plain(
    'Timeout was reached before node joined. The attempt to join the swarm will continue in the background. Use the "docker info" command to see the current swarm status of your node.',
  );

export const TWO_MANAGER_WARNING =
  "WARNING: Running Swarm in a two-manager configuration. This configuration provides\n" +
  "         no fault tolerance, and poses a high risk to lose control over the cluster.\n" +
  "         Refer to https://docs.docker.com/engine/swarm/admin_guide/ to configure the\n" +
  "         Swarm for fault-tolerance.";
