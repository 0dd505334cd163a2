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
export function runCli(
  bus: CliBus,
  node: string | undefined,
  args: string[],
  signal: AbortSignal = new AbortController().signal,
  input?: string,
): Promise<CliOutcome> {
  const cli = cliCommand();
  const argv = [...cli.args, ...busArgs(bus), ...(node ? ["--node", node] : []), ...args];
  const env = { ...process.env };
  // The caller names the node and server itself; a developer's shell settings must not leak in.
  delete env.SWARMBUS_NODE;
  delete env.SWARMBUS_NATS;
  delete env.SWARMBUS_NATS_CREDS;
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const child = spawn(cli.command, argv, { stdio: ["pipe", "pipe", "pipe"], env });
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
    child.once("error", (e) => {
      signal.removeEventListener("abort", onAbort);
      reject(e);
    });
    child.once("close", (code, sig) => {
      signal.removeEventListener("abort", onAbort);
      if (signal.aborted) return reject(signal.reason);
      resolve({ code: code ?? sig ?? -1, stdout, stderr });
    });
  });
}
