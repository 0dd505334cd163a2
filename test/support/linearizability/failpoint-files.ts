import { mkdtempSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export type Build = (daemon: string) => string | undefined;

/**
 * Each daemon's failpoints in a file of its own (`SWARMBUS_FAILPOINT_FILE`, src/config/failpoints.ts),
 * so a test turns a running swarm into another build and back without restarting every manager.
 */
export class FailpointFiles {
  private readonly dir = mkdtempSync(join(tmpdir(), "swarmbus-failpoints-"));
  private readonly written = new Set<string>();

  constructor(private build: Build) {}

  /** The environment of `daemon`'s process: its file, written now with the current build's failpoints. */
  env(daemon: string): Record<string, string> {
    this.write(daemon);
    return { SWARMBUS_FAILPOINT_FILE: this.path(daemon) };
  }

  /** Every daemon started so far reads its new failpoints at its next check (within 50 ms). */
  switchTo(build: Build): void {
    this.build = build;
    for (const d of this.written) this.write(d);
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }

  private path(daemon: string): string {
    return join(this.dir, `${daemon.replace(/[^\w.-]/g, "_")}.failpoints`);
  }

  private write(daemon: string): void {
    // Renamed into place: a daemon never reads a half-written file (it would turn everything off).
    const tmp = `${this.path(daemon)}.tmp`;
    writeFileSync(tmp, this.build(daemon) ?? "");
    renameSync(tmp, this.path(daemon));
    this.written.add(daemon);
  }
}
