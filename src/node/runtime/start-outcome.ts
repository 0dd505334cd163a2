import { type RpcError, rpcError, toRpcError } from "../../rpc/status.ts";
import { Waiter } from "./waiter.ts";

/**
 * What `swarm init`/`swarm join` (and init --force-new-cluster) wait for: moby
 * Init and Join wait for the node's first run to be ready. When it fails, the
 * caller gets the error of the step that failed (the identity, the manager),
 * else the node machine's exit text.
 */
export class StartOutcome {
  private readonly waiter = new Waiter();
  private cause: unknown = null;

  wait(): Promise<void> {
    this.cause = null;
    return this.waiter.wait();
  }

  /** A step of the start failed with `e`: the error a failed first run reports. */
  failedWith(e: unknown): void {
    this.cause = e;
  }

  ready(): void {
    this.waiter.resolve();
  }

  /** The daemon shut down: an init or join still waiting ends as a cancelled context does in moby. */
  abandon(): void {
    this.cause = null;
    this.waiter.reject(rpcError("Canceled", "context canceled"));
  }

  /** The caller (a join past its timeout) stopped waiting. */
  callerGaveUp(): void {
    this.waiter.drop();
  }

  /** The first run failed with `exitText`: the caller gets its error once `cleanUp` is done. */
  async failed(exitText: string | null, cleanUp: () => Promise<void>): Promise<void> {
    const err: RpcError = this.cause ? toRpcError(this.cause) : rpcError("Unknown", exitText ?? "node exited");
    this.cause = null;
    try {
      await cleanUp();
    } finally {
      this.waiter.reject(err);
    }
  }
}
