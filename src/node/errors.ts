import { RpcError, rpcError, toRpcError } from "../rpc/status.ts";
import { type ManagerStats, managerLeaveMessage } from "./leave-message.ts";

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

/** moby errSwarmLocked: a manager's key is encrypted and no valid unlock key was given. */
export const SWARM_LOCKED_MESSAGE =
  'Swarm is encrypted and needs to be unlocked before it can be used. Please use "docker swarm unlock" to unlock it.';
export const errSwarmLocked = () => plain(SWARM_LOCKED_MESSAGE);

/** moby Leave on a locked node without --force. */
export const errLeaveLocked = () =>
  plain("Swarm is encrypted and locked. Please unlock it first or use `--force` to ignore this message.");

/*
 * moby UnlockSwarm's own errors: notLockedError is a Conflict (409) and
 * invalidUnlockKey Unauthorized (401); the gRPC codes closest to those answers
 * are FailedPrecondition and Unauthenticated.
 */
export const errSwarmNotLocked = () => rpcError("FailedPrecondition", "swarm is not locked", { plain: true });
export const errInvalidUnlockKey = () =>
  rpcError("Unauthenticated", "swarm could not be unlocked: invalid key provided", { plain: true });
/** moby UnlockSwarm: the node started again with the key and failed for another reason. */
export const errUnlockStartFailed = (reason: string) =>
  rpcError("Unknown", `swarm component could not be started: ${reason}`, { plain: true });

/** `swarm leave` without --force on a manager; `stats` is null when they could not be read. */
export const errLeaveManager = (active: boolean, stats: ManagerStats | null) =>
  plain(managerLeaveMessage(active, stats));

/*
 * The node's own failures: what a first-run init/join reports back and what
 * info's Error line shows. They have no moby counterpart with a code, so they
 * are Unknown, which the CLI prints with the gRPC wrapper.
 */
const unknown = (message: string): RpcError => rpcError("Unknown", message);

/** A state dir file that cannot be used: the message names the file and says why. */
export const errInvalidStateFile = (file: string, reason: string) =>
  unknown(`invalid swarm state file ${file}: ${reason}`);

/**
 * SK node.loadSecurityConfig: a node certificate that cannot be loaded stops the
 * node with this error (moby shows it as info's Error, LocalNodeState error).
 */
export const errLoadingTLSCertificate = (file: string, reason: string) =>
  unknown(`error while loading TLS certificate in ${file}: ${reason}`);

export const errNoNodeCertificate = (swarmDir: string) => unknown(`no swarm node certificate in ${swarmDir}`);

export const errNoNodeIdentity = () => unknown("no node identity");

/** The node start was cancelled (a leave or shutdown stopped it). */
export const errNodeStartCancelled = () => unknown("node start cancelled");

/** A manager stopped (demoted, left, shut down) while it was starting. */
export const errManagerStoppedWhileStarting = () => unknown("manager stopped while starting");

export const errLeaveFailed = () => unknown("could not leave the swarm: stopping the node failed");

/**
 * SK superviseManager: "manager stopped: …", what a first-run init/join reports
 * back. A plain cause (a raft join failure: "can't initialize raft node: rpc
 * error: …") stays plain, as moby prints it. With no cause: the manager was
 * stopped, and whoever waited for it to serve gives up.
 */
export function errManagerStopped(cause?: unknown): RpcError {
  if (cause === undefined) return unknown("manager stopped");
  const err = toRpcError(cause);
  return new RpcError(err.code, `manager stopped: ${err.message}`, { plain: err.plain });
}

export const TWO_MANAGER_WARNING =
  "WARNING: Running Swarm in a two-manager configuration. This configuration provides\n" +
  "         no fault tolerance, and poses a high risk to lose control over the cluster.\n" +
  "         Refer to https://docs.docker.com/engine/swarm/admin_guide/ to configure the\n" +
  "         Swarm for fault-tolerance.";
