import type { NatsConnection } from "@nats-io/transport-node";
import type { ManagerHandle } from "../../manager/api.ts";
import { type ControlClient, controlClient } from "../../manager/control-bus/index.ts";
import { errManagerNotReady, errNoManagerNoNode, errSwarmLocked, errSwarmNotManager } from "../errors.ts";
import type { NodeRuntime } from "../runtime/node-runtime.ts";

/**
 * moby lockedManagerAction: the control API as the daemon reaches it, through
 * this node's own manager (its local control socket), which serves the call
 * when it leads and forwards it to the leader otherwise.
 */
export class ControlAccess {
  constructor(
    private readonly rt: NodeRuntime,
    private readonly nc: NatsConnection,
    private readonly requestTimeoutMs: number,
  ) {}

  /** The active manager, or the errNoManager that fits why there is none. */
  manager(): ManagerHandle {
    const m = this.rt.activeManager();
    if (m) return m;
    if (!this.rt.hasSwarmNode()) throw this.rt.isLocked() ? errSwarmLocked() : errNoManagerNoNode();
    throw this.rt.isManager() ? errManagerNotReady() : errSwarmNotManager();
  }

  /** The control API with `timeoutMs` as its deadline. */
  within(timeoutMs: number): ControlClient {
    this.manager();
    const identity = this.rt.state.identity;
    if (!identity?.clusterId) throw errManagerNotReady();
    // The caller is this node: the managers serve it only while the store has it as a manager. The call
    // goes on the manager's own connection, whose credentials are the only ones that may name it.
    return controlClient(this.rt.managerConnection() ?? this.nc, identity.clusterId, {
      timeoutMs,
      caller: identity.nodeId,
      via: () => this.rt.activeManager()?.raftId(),
    });
  }

  /** The control API with moby's swarmRequestTimeout. */
  control(): ControlClient {
    return this.within(this.requestTimeoutMs);
  }
}
