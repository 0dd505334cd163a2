import { rpcError } from "../../rpc/status.ts";

interface StateWatcher {
  check(): boolean;
  fail(e: Error): void;
}

/**
 * Waits on a condition over the node's state (e.g. "`to` leads" after a
 * leadership transfer): checked after every change the node mirrors, failed
 * with DeadlineExceeded past its timeout, or with the node's error on stop.
 */
export class StateWatchers {
  private watchers: StateWatcher[] = [];

  waitUntil(pred: () => boolean, timeoutMs: number): Promise<void> {
    if (pred()) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.watchers = this.watchers.filter((x) => x !== w);
        reject(rpcError("DeadlineExceeded", "context deadline exceeded"));
      }, timeoutMs);
      const w: StateWatcher = {
        check: () => {
          if (!pred()) return false;
          clearTimeout(timer);
          resolve();
          return true;
        },
        fail: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      };
      this.watchers.push(w);
    });
  }

  /** Settles the watchers whose condition now holds. */
  check(): void {
    if (this.watchers.length > 0) this.watchers = this.watchers.filter((w) => !w.check());
  }

  failAll(err: Error): void {
    for (const w of this.watchers) w.fail(err);
    this.watchers = [];
  }
}
