import type { NodeEvent } from "../../../machines/node.machine.ts";
import { reapTasks } from "../../agent/exec/reap-tasks.ts";
import { rpcError } from "../../rpc/status.ts";
import { errLeaveFailed } from "../errors.ts";
import { tasksDirOf } from "../state-dir.ts";
import type { NodeState } from "./node-state.ts";
import { Waiter } from "./waiter.ts";

/**
 * `swarm leave` (moby Leave once its manager checks passed): the node machine
 * stops the node and runs leaveSwarm, which empties the state dir once every
 * write in flight has settled; the request learns how it went.
 */
export class Leave {
  private readonly waiter = new Waiter();

  constructor(
    private readonly state: NodeState,
    private readonly stopRun: () => Promise<void>,
    private readonly send: (e: NodeEvent) => void,
  ) {}

  request(): Promise<void> {
    const left = this.waiter.wait();
    this.send({ type: "LEAVE" });
    return left;
  }

  /** The node machine's leaveSwarm. */
  async leaveSwarm(): Promise<void> {
    await this.stopRun();
    // No program of the swarm outlives the node's membership.
    await reapTasks(tasksDirOf(this.state.swarmDir));
    await this.state.clear();
  }

  left(): void {
    this.waiter.resolve();
  }

  /** The daemon shut down before the leave ended. */
  abandon(): void {
    this.waiter.reject(rpcError("Canceled", "context canceled"));
  }

  failed(): void {
    this.waiter.reject(errLeaveFailed());
  }
}
