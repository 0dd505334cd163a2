import type { AnyActorRef } from "xstate";
import type { ClientSideCredentials } from "../ca/credentials.ts";
import type { TimingProfile } from "../config/profile.ts";
import type { AssignmentsMessage__Output } from "../gen/docker/swarmkit/v1/AssignmentsMessage.ts";
import type { NodeDescription } from "../gen/docker/swarmkit/v1/NodeDescription.ts";
import type { SessionMessage__Output } from "../gen/docker/swarmkit/v1/SessionMessage.ts";
import type { TaskStatusUpdate } from "./status-reporter.ts";

export type { TaskStatusUpdate } from "./status-reporter.ts";

export interface Peer {
  readonly nodeId: string;
  readonly addr: string;
}

export interface AgentOptions {
  readonly credentials: ClientSideCredentials;
  readonly description: NodeDescription;
  /** Known managers to start from (state.json, or the join address with an empty nodeId). */
  readonly managers: readonly Peer[];
  readonly profile: TimingProfile;
  /** Each SessionMessage, after the remotes were updated from it (node changes, managers). */
  readonly onSessionMessage?: (msg: SessionMessage__Output) => void;
  /** The first successful registration and every later one. */
  readonly onRegistered?: (sessionId: string) => void;
  /** The remotes list changed (to persist state.json). */
  readonly onManagersChanged?: (managers: Peer[]) => void;
  /**
   * connectionbroker's local connection: while this returns a peer (the node
   * runs a manager), every session goes to it instead of a weighted pick.
   */
  readonly localManager?: () => Peer | undefined;
  /** Each message of the Assignments stream, in order (a gap restarts the session first). */
  readonly onAssignments?: (msg: AssignmentsMessage__Output) => void;
  /** The session actor, for the bus. */
  readonly onActor?: (name: string, actor: AnyActorRef) => void;
}

/** The agent: one session actor that keeps a Dispatcher session open, forever. */
export interface AgentHandle {
  /** Resolves at the first registration (Swarm's agent.Ready). */
  readonly ready: Promise<void>;
  managers(): Peer[];
  /** The current session ID, "" while not registered. */
  sessionId(): string;
  /** Dispatcher.UpdateTaskStatus on the current session; Unavailable while there is none. */
  updateTaskStatus(updates: readonly TaskStatusUpdate[]): Promise<void>;
  stop(): Promise<void>;
}

export type StartAgent = (opts: AgentOptions) => AgentHandle;
