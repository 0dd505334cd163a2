import { readFileSync } from "node:fs";

/** swarmbus's version, shown where docker shows the engine version. */
export const VERSION: string = (
  JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string }
).version;
