import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { onTeardown, type Suite } from "./fixture.ts";

/** A fresh temp dir; `remove()` deletes it unless SWARMBUS_KEEP_TEST_DIRS is set (to read what a test left). */
export function tempDir(prefix: string): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return {
    path,
    remove: () => {
      if (!process.env.SWARMBUS_KEEP_TEST_DIRS) rmSync(path, { recursive: true, force: true });
    },
  };
}

/** A fresh temp dir for the suite: made now, removed after its tests. */
export function useTempDir(suite: Suite, prefix: string): string {
  const dir = tempDir(prefix);
  onTeardown(suite, () => dir.remove());
  return dir.path;
}
