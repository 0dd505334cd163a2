import type { RpcError } from "../../rpc/status.ts";

/** A request (init, join, leave) waiting for the node machine to say how it went. */
export class Waiter {
  private pending: { resolve(): void; reject(e: RpcError): void } | null = null;

  wait(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.pending = { resolve, reject };
    });
  }

  resolve(): void {
    this.pending?.resolve();
    this.pending = null;
  }

  reject(e: RpcError): void {
    this.pending?.reject(e);
    this.pending = null;
  }

  /** The caller stopped waiting: the outcome goes nowhere. */
  drop(): void {
    this.pending = null;
  }
}
