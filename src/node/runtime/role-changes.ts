import type { NodeEvent } from "../../../machines/node.machine.ts";
import type { NodeIdentity } from "../../ca/credentials.ts";
import type { SessionMessage__Output } from "../../gen/docker/swarmkit/v1/SessionMessage.ts";
import { roleOf } from "./node-state.ts";
import type { TlsRenewer } from "./tls-renewer.ts";

/**
 * SwarmKit's node-changes loop: an edge in the desired role of the Node that
 * the session carries sets the renewer's expected role and forces a renewal;
 * the CA signs the new certificate with the observed role (the role manager
 * writes it at once on promotion, only after the Raft removal on demotion),
 * and only a renewed certificate moves the manager (`renewed`). A role in a
 * SessionMessage alone changes nothing.
 */
export class RoleChanges {
  /** The desired role last seen in a SessionMessage of this run. */
  private last: string | null = null;

  constructor(
    private readonly renewer: TlsRenewer,
    private readonly send: (e: NodeEvent) => void,
  ) {}

  /** A new run: its first SessionMessage is an edge; a renewal of the last run ends. */
  reset(): void {
    this.last = null;
    this.renewer.stop();
  }

  /**
   * The manager learned its Raft ID was removed (SK RemovedFromRaft): it stops
   * with its Raft data cleared, and a renewal is forced (SK superviseManager
   * forces one when no worker certificate comes) so the certificate follows.
   */
  removedFromRaft(): void {
    this.send({ type: "ROLE_CHANGED", role: "worker" });
    this.renewer.setExpectedRole("swarm-worker");
    this.renewer.renew();
  }

  /** A renewed certificate: the node runs in its role (SK: n.role = update.Role, roleCond.Broadcast). */
  renewed(identity: NodeIdentity): void {
    this.send({ type: "ROLE_CHANGED", role: roleOf(identity) });
  }

  observe(msg: SessionMessage__Output): void {
    const desired = msg.node?.spec?.desired_role;
    if (!desired || desired === this.last) return;
    this.last = desired;
    this.renewer.setExpectedRole(desired === "MANAGER" ? "swarm-manager" : "swarm-worker");
    this.renewer.renew();
  }
}
