import { existsSync } from "node:fs";
import { loadavg } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { repoRoot } from "../../src/process/cli-command.ts";

/**
 * A `--before DIR` checkout: another copy of swarmbus, built, that a
 * benchmark runs beside this one. Make one from a commit with:
 *   mkdir /tmp/before && git archive COMMIT | tar -x -C /tmp/before \
 *     && ln -s "$PWD/node_modules" /tmp/before/ && (cd /tmp/before && npm run build)
 */
export const BEFORE_HOWTO =
  'mkdir /tmp/before && git archive COMMIT | tar -x -C /tmp/before && ln -s "$PWD/node_modules" /tmp/before/ && (cd /tmp/before && npm run build)';

/** This checkout. */
export const thisCheckout = repoRoot;

/**
 * The checkout in `dir`, checked before anything starts: its own
 * bin/swarmbus.js, node_modules, a build that matches its sources (its own
 * bin/build-stamp.js says), and every file in `needs` (relative paths).
 * Throws saying what is missing.
 */
export async function beforeCheckout(dir: string, needs: readonly string[] = []): Promise<string> {
  const root = resolve(dir);
  for (const rel of ["bin/swarmbus.js", "bin/build-stamp.js", "node_modules", ...needs]) {
    if (!existsSync(join(root, rel))) {
      throw new Error(`--before ${dir}: no ${rel} there; make a checkout with: ${BEFORE_HOWTO}`);
    }
  }
  const stamp = (await import(pathToFileURL(join(root, "bin", "build-stamp.js")).href)) as {
    staleness(): string | undefined;
  };
  const why = stamp.staleness();
  if (why) throw new Error(`--before ${dir}: ${why}; run \`npm run build\` there`);
  return root;
}

/** The machine's load average (1, 5, 15 min), for the record: the machine is shared. */
export const loadAverage = (): string =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(" ");
