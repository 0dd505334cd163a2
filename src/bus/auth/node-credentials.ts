import { trustFile } from "./trust-files.ts";

/**
 * The credentials a daemon named `nodeName` connects with. Today every daemon
 * gets the same swarm-account user; per-node, per-role credentials issued by
 * the managers (issue 11, part 2) replace what this returns.
 */
export function credsForNode(trustDir: string, _nodeName: string): string {
  return trustFile(trustDir, "daemonCreds");
}
