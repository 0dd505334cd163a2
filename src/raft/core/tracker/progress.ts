import { Inflights } from "./inflights.ts";

/**
 * How the leader sees one follower (etcd's Progress):
 * - probe: one MsgApp at a time until the follower's match is found;
 * - replicate: pipelined MsgApp, bounded by the inflight window;
 * - snapshot: a MsgSnap is on its way, nothing else is sent.
 */
export type ProgressState = "probe" | "replicate" | "snapshot";

export class Progress {
  match = 0;
  state: ProgressState = "probe";
  paused = false;
  pendingSnapshot = 0;
  recentActive = false;
  readonly inflights: Inflights;

  constructor(
    public next: number,
    maxInflight: number,
  ) {
    this.inflights = new Inflights(maxInflight);
  }

  private resetState(s: ProgressState): void {
    this.paused = false;
    this.pendingSnapshot = 0;
    this.state = s;
    this.inflights.reset();
  }

  becomeProbe(): void {
    if (this.state === "snapshot") {
      const pending = this.pendingSnapshot;
      this.resetState("probe");
      this.next = Math.max(this.match + 1, pending + 1);
    } else {
      this.resetState("probe");
      this.next = this.match + 1;
    }
  }

  becomeReplicate(): void {
    this.resetState("replicate");
    this.next = this.match + 1;
  }

  becomeSnapshot(snapshotIndex: number): void {
    this.resetState("snapshot");
    this.pendingSnapshot = snapshotIndex;
  }

  /** The follower acknowledged up to n; false if that tells nothing new. */
  maybeUpdate(n: number): boolean {
    let updated = false;
    if (this.match < n) {
      this.match = n;
      updated = true;
      this.paused = false;
    }
    if (this.next < n + 1) this.next = n + 1;
    return updated;
  }

  optimisticUpdate(n: number): void {
    this.next = n + 1;
  }

  /** The follower rejected a MsgApp at `rejected`; its last index is `last`. False if the rejection is stale. */
  maybeDecrTo(rejected: number, last: number): boolean {
    if (this.state === "replicate") {
      if (rejected <= this.match) return false;
      this.next = this.match + 1;
      return true;
    }
    if (this.next - 1 !== rejected) return false;
    this.next = Math.max(Math.min(rejected, last + 1), 1);
    this.paused = false;
    return true;
  }

  isPaused(): boolean {
    switch (this.state) {
      case "probe":
        return this.paused;
      case "replicate":
        return this.inflights.full();
      case "snapshot":
        return true;
    }
  }

  needSnapshotAbort(): boolean {
    return this.state === "snapshot" && this.match >= this.pendingSnapshot;
  }
}
