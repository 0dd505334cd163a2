import { spawn } from "node:child_process";
import { busArgs, type CliBus, cliCommand } from "./cli-command.ts";

export interface CliOutcome {
  code: number | string;
  stdout: string;
  stderr: string;
}

/**
 * Runs `swarmbus --nats URL --nats-creds FILE [--node NODE] ARGS…` as a real
 * process, as a user would (scenario steps, end-to-end tests); the process is
 * killed when `signal` aborts (a step's timeout). `input`, when given, is its
 * stdin (`swarm unlock` reads the key there); else stdin is closed.
 */
export interface RunCliOptions {
  /** A command the CLI runs under, as `ip netns exec NS` (a test's host in a network namespace). */
  launcher?: readonly string[];
  /** Told the process's pid while it runs (removed when it ends): for a harness's cleanup. */
  running?: Set<number>;
}

export function runCli(
  bus: CliBus,
  node: string | undefined,
  args: readonly string[],
  signal: AbortSignal = new AbortController().signal,
  input?: string,
  opts: RunCliOptions = {},
): Promise<CliOutcome> {
  const cli = cliCommand();
  const [command, ...pre] = [...(opts.launcher ?? []), cli.command];
  const argv = [...pre, ...cli.args, ...busArgs(bus), ...(node ? ["--node", node] : []), ...args];
  const env = { ...process.env };
  // The caller names the node and server itself; a developer's shell settings must not leak in.
  delete env.SWARMBUS_NODE;
  delete env.SWARMBUS_NATS;
  delete env.SWARMBUS_NATS_CREDS;
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const child = spawn(command ?? cli.command, argv, { stdio: ["pipe", "pipe", "pipe"], env });
    const pid = child.pid;
    if (pid !== undefined) opts.running?.add(pid);
    child.stdin.end(input ?? "");
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => {
      stdout += d;
    });
    child.stderr.on("data", (d) => {
      stderr += d;
    });
    const onAbort = () => child.kill("SIGKILL");
    signal.addEventListener("abort", onAbort, { once: true });
    const ended = () => {
      signal.removeEventListener("abort", onAbort);
      if (pid !== undefined) opts.running?.delete(pid);
    };
    child.once("error", (e) => {
      ended();
      reject(e);
    });
    child.once("close", (code, sig) => {
      ended();
      if (signal.aborted) return reject(signal.reason);
      resolve({ code: code ?? sig ?? -1, stdout, stderr });
    });
  });
}
