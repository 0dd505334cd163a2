import type { NodeEvent } from "../../../machines/node.machine.ts";
import type { SessionMessage__Output } from "../../gen/docker/swarmkit/v1/SessionMessage.ts";
import type { NodeState } from "./node-state.ts";

/**
 * The node-changes loop and the TLS renewer in one: the certificate a node
 * gets follows the observed role (`Node.Role`, written by the role manager:
 * at once on promotion, only after the Raft removal on demotion), so an edge
 * in the observed role moves the manager (promote, demote); the new role is
 * saved in the node certificate, so a restart comes back with it.
 */
export class RoleChanges {
  /** The observed role last seen in a SessionMessage of this run. */
  private last: string | null = null;

  constructor(
    private readonly state: NodeState,
    private readonly send: (e: NodeEvent) => void,
  ) {}

  /** A new run: its first SessionMessage is an edge. */
  reset(): void {
    this.last = null;
  }

  /**
   * The manager learned its Raft ID was removed (SK RemovedFromRaft): it stops
   * with its Raft data cleared, and the node is a worker until a session says
   * otherwise. Saved, so a restart before that comes back as a worker rather
   * than joining Raft again under a new ID (an old manager after a
   * --force-new-cluster is a worker of the new cluster).
   */
  removedFromRaft(): void {
    this.state.saveRole("worker");
    this.send({ type: "ROLE_CHANGED", role: "worker" });
  }

  observe(msg: SessionMessage__Output): void {
    const observed = msg.node?.role;
    if (!observed || observed === this.last) return;
    this.last = observed;
    const role = observed === "MANAGER" ? "manager" : "worker";
    this.state.saveRole(role);
    this.send({ type: "ROLE_CHANGED", role });
  }
}
