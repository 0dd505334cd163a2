import type { Log } from "../../log.ts";
import type { ClusterObject } from "../cluster-object.ts";
import { managerUnlockKey } from "../cluster-object.ts";
import { kekOf } from "./node-kek.ts";
import { rotateNodeKek } from "./node-key-file.ts";

/**
 * SK manager.updateKEK: every manager watches the cluster object and, when
 * the managers' unlock key differs from the KEK it holds (autolock turned on
 * or off, the key rotated), encrypts its own key and Raft DEK header again
 * under the new one. One rotation at a time, in the order the cluster changed.
 */
export class KekRotation {
  private chain: Promise<void> = Promise.resolve();

  constructor(
    private readonly swarmDir: string,
    private readonly log: Log,
  ) {}

  observe(cluster: ClusterObject | undefined): void {
    if (!cluster) return;
    const next = managerUnlockKey(cluster);
    this.chain = this.chain
      .then(async () => {
        const current = kekOf(this.swarmDir);
        if (current === next || (current && next?.equals(current))) return;
        await rotateNodeKek(this.swarmDir, next, cluster.version);
      })
      .catch((e: unknown) =>
        this.log.error({ err: e instanceof Error ? e.message : String(e) }, "failed to update the KEK"),
      );
  }

  /** Resolves once every rotation observed so far is written. */
  settled(): Promise<void> {
    return this.chain;
  }
}
