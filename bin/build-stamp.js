// The build's stamp: what the sources looked like when dist/ was built, so a
// command can refuse a build that no longer matches them. Plain JavaScript: it
// runs before any build exists, and on every command's path, so it only stats
// files (size and mtime, about 300 of them), never reads them.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const root = fileURLToPath(new URL("..", import.meta.url));
export const distDir = join(root, "dist");
export const stampFile = join(distDir, ".build-stamp");
/** The built CLI entry. */
export const builtEntry = join(distDir, "src", "cli", "main.js");

/** What the build turns into dist/: a change to any of these makes the build stale. */
const INPUT_DIRS = ["src", "machines", "proto"];
const INPUT_FILES = ["package.json", "tsconfig.json", "tsconfig.build.json", "nats.conf"];

/**
 * Every input as relative path → "mtimeMs:size". Compared for equality, not
 * "newer than", so a file restored with an older mtime, an added file and a
 * deleted one all count as changes.
 * @returns {Record<string, string>}
 */
export function fingerprint() {
  /** @type {Record<string, string>} */
  const out = {};
  const add = (rel) => {
    const st = statSync(join(root, rel), { throwIfNoEntry: false });
    if (st) out[rel] = `${st.mtimeMs}:${st.size}`;
  };
  const walk = (rel) => {
    for (const e of readdirSync(join(root, rel), { withFileTypes: true })) {
      // Editors' swap and lock files are not sources.
      if (e.name.startsWith(".")) continue;
      const child = `${rel}/${e.name}`;
      if (e.isDirectory()) walk(child);
      else add(child);
    }
  };
  for (const dir of INPUT_DIRS) walk(dir);
  for (const file of INPUT_FILES) add(file);
  return out;
}

/** @returns {Record<string, string> | undefined} */
export function readStamp() {
  try {
    return JSON.parse(readFileSync(stampFile, "utf8"));
  } catch {
    return undefined;
  }
}

/**
 * Why the build in dist/ cannot be run as it is, or undefined when it matches the sources.
 * @param {Record<string, string>} [now]
 * @returns {string | undefined}
 */
export function staleness(now = fingerprint()) {
  const stamp = readStamp();
  if (!stamp) return "there is no build in dist/";
  for (const [file, stat] of Object.entries(now)) {
    if (stamp[file] === undefined) return `${file} is new since the build`;
    if (stamp[file] !== stat) return `${file} changed since the build`;
  }
  for (const file of Object.keys(stamp)) {
    if (now[file] === undefined) return `${file} was removed since the build`;
  }
  return undefined;
}
