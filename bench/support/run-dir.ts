import { mkdirSync, mkdtempSync } from "node:fs";
import { join } from "node:path";

/** A fresh folder for one run under `--state-root`, which is created if missing (not a stack trace). */
export function runDir(root: string, prefix: string): string {
  mkdirSync(root, { recursive: true });
  return mkdtempSync(join(root, prefix));
}
