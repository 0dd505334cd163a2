// npm run build: compiles src/ and machines/ to dist/ (tsc, incremental) and
// copies what the code reads beside itself at run time, so dist/ mirrors the
// checkout: dist/src/rpc/proto.js finds dist/proto/ as src/rpc/proto.ts finds
// proto/. Does nothing when the stamp says dist/ already matches the sources;
// --force builds anyway.
import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { distDir, fingerprint, root, staleness, stampFile } from "../bin/build-stamp.js";

// Taken before compiling: a source edited during the build leaves the build stale.
const sources = fingerprint();
if (!process.argv.includes("--force") && staleness(sources) === undefined) process.exit(0);

rmSync(stampFile, { force: true });
const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
const compiled = spawnSync(process.execPath, [tsc, "-p", join(root, "tsconfig.build.json")], { stdio: "inherit" });
if (compiled.status !== 0) {
  console.error("swarmbus: the build failed (tsc above); dist/ is not runnable until it succeeds");
  process.exit(1);
}

/** Copies every file under dir that tsc does not compile (the dashboard's page, for one). */
function copyAssets(dir) {
  for (const e of readdirSync(join(root, dir), { withFileTypes: true })) {
    const rel = `${dir}/${e.name}`;
    if (e.isDirectory()) copyAssets(rel);
    else if (!e.name.endsWith(".ts")) {
      mkdirSync(join(distDir, dir), { recursive: true });
      cpSync(join(root, rel), join(distDir, rel));
    }
  }
}
copyAssets("src");
copyAssets("machines");
cpSync(join(root, "proto"), join(distDir, "proto"), { recursive: true });
// package.json: the version the CLI prints, and "type": "module" for dist/'s .js files.
for (const file of ["package.json", "nats.conf"]) cpSync(join(root, file), join(distDir, file));

writeFileSync(stampFile, `${JSON.stringify(sources)}\n`);
console.error("swarmbus: built dist/");
