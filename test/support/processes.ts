import { readdirSync, readFileSync } from "node:fs";

/**
 * The live processes whose command line holds `marker` as one argument, read
 * from the OS process table (/proc): what a user sees with `ps`.
 */
export function processesWith(marker: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^[0-9]+$/.test(entry)) continue;
    let argv: string[];
    try {
      argv = readFileSync(`/proc/${entry}/cmdline`, "utf8").split("\0");
      // A zombie has an empty command line and is no longer running.
      if (readFileSync(`/proc/${entry}/stat`, "utf8").split(") ")[1]?.startsWith("Z")) continue;
    } catch {
      continue; // ended meanwhile
    }
    if (argv.includes(marker)) pids.push(Number(entry));
  }
  return pids;
}
