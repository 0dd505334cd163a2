#!/usr/bin/env node
// `npx swarmbus …`: runs the CLI built in dist/ (`npm run build`) with plain
// node, and refuses a build older than the sources rather than run old code.
// SWARMBUS_TSX=1 runs the TypeScript sources through tsx instead (development:
// no build, a second or more of compiling at every start).
if (process.env.SWARMBUS_TSX === "1") {
  const { register } = await import("tsx/esm/api");
  register();
  await import("../src/cli/main.ts");
} else {
  const { builtEntry, staleness } = await import("./build-stamp.js");
  const why = staleness();
  if (why) {
    console.error(`swarmbus: ${why}; run \`npm run build\` (or set SWARMBUS_TSX=1 to run the sources)`);
    process.exit(1);
  }
  await import(builtEntry);
}
