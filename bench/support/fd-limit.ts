import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";

/**
 * Open-file limits of the benchmark's processes. With one gRPC channel per
 * simulated agent, the load process holds a socket per agent and the manager
 * one per agent too: 5,000 agents need more than the usual 1,024. Node raises
 * its own soft limit to the hard one at start, so a child usually has enough;
 * when not, prlimit(1) raises the child's soft limit up to its hard one, and
 * a hard limit that is too low stops the run with what to do.
 */
export interface OpenFilesLimit {
  soft: number;
  hard: number;
}

const parseLimit = (v: string): number => (v === "unlimited" ? Number.POSITIVE_INFINITY : Number(v));

export function openFilesLimit(pid: number): OpenFilesLimit | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/limits`, "utf8");
  } catch {
    return undefined;
  }
  const m = /^Max open files\s+(\S+)\s+(\S+)/m.exec(text);
  return m ? { soft: parseLimit(m[1]!), hard: parseLimit(m[2]!) } : undefined;
}

/** Makes sure process `pid` (`who`) may hold `needed` open files; throws if it cannot. */
export function ensureOpenFiles(pid: number, needed: number, who: string): OpenFilesLimit | undefined {
  const before = openFilesLimit(pid);
  if (!before || before.soft >= needed) return before;
  if (before.hard < needed) {
    throw new Error(
      `${who} (pid ${pid}) may open ${before.hard} files at most (hard limit), the run needs ${needed}: ` +
        `raise it (as root: ulimit -Hn ${needed}, or LimitNOFILE / nofile in limits.conf) or run fewer agents`,
    );
  }
  try {
    execFileSync("prlimit", ["--pid", String(pid), `--nofile=${before.hard}:${before.hard}`], { stdio: "ignore" });
  } catch {
    // Checked below.
  }
  const after = openFilesLimit(pid);
  if (!after || after.soft < needed) {
    throw new Error(
      `${who} (pid ${pid}) may open ${after?.soft ?? before.soft} files, the run needs ${needed}: ` +
        `run the benchmark from a shell with ulimit -n ${needed}`,
    );
  }
  return after;
}

/** How many files (sockets included) process `pid` holds open now; undefined if it is gone. */
export function openFileCount(pid: number): number | undefined {
  try {
    return readdirSync(`/proc/${pid}/fd`).length;
  } catch {
    return undefined;
  }
}
