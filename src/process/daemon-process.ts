import { type ChildProcess, spawn } from "node:child_process";
import { createWriteStream, mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { busArgs, cliCommand, repoRoot } from "./cli-command.ts";

export interface DaemonProcessOptions {
  name: string;
  stateDir: string;
  natsUrl: string;
  /** The daemon's NATS credentials (.creds file), passed as --nats-creds: the bus refuses anonymous clients. */
  natsCreds: string;
  listenAddr?: string;
  advertiseAddr?: string;
  profile?: "fast" | "swarm";
  /** A Stately inspector relay's ws:// URL (passed as --inspect): the daemon streams its actors there. */
  inspect?: string;
  /**
   * A command the daemon is started through, e.g. `["ip", "netns", "exec", "ns1"]` for a host in a
   * network namespace (it must exec the daemon, so pid and signals are the daemon's).
   */
  launcher?: readonly string[];
  /** Where the daemon's stdout/stderr go; default: inherited from this process. */
  logFile?: string;
  env?: Record<string, string>;
}

export interface DaemonProcess {
  readonly name: string;
  readonly pid: number;
  readonly options: DaemonProcessOptions;
  /** Resolves with the exit code (or signal name) when the process ends. */
  readonly exited: Promise<number | string>;
  kill(signal: NodeJS.Signals): void;
  /** SIGTERM, then SIGKILL after graceMs; resolves when the process is gone. */
  stop(graceMs?: number): Promise<void>;
}

/** Starts `swarmbus daemon …` as a real child process, like starting dockerd. */
export function spawnDaemon(opts: DaemonProcessOptions): DaemonProcess {
  const cli = cliCommand();
  const args = [
    ...cli.args,
    "daemon",
    "--name",
    opts.name,
    "--state-dir",
    opts.stateDir,
    ...busArgs({ url: opts.natsUrl, creds: opts.natsCreds }),
    "--profile",
    opts.profile ?? "fast",
  ];
  if (opts.listenAddr) args.push("--listen-addr", opts.listenAddr);
  if (opts.advertiseAddr) args.push("--advertise-addr", opts.advertiseAddr);
  if (opts.inspect) args.push("--inspect", opts.inspect);
  let child: ChildProcess;
  const env = { ...process.env, ...opts.env };
  const [command, ...pre] = [...(opts.launcher ?? []), cli.command];
  args.unshift(...pre);
  if (opts.logFile) {
    mkdirSync(dirname(opts.logFile), { recursive: true });
    const log = createWriteStream(opts.logFile, { flags: "a" });
    child = spawn(command ?? "", args, { cwd: repoRoot, env, stdio: ["ignore", "pipe", "pipe"] });
    child.stdout?.pipe(log);
    child.stderr?.pipe(log);
  } else {
    child = spawn(command ?? "", args, { cwd: repoRoot, env, stdio: ["ignore", "inherit", "inherit"] });
  }
  const exited = new Promise<number | string>((resolve) => {
    child.once("exit", (code, signal) => resolve(code ?? signal ?? -1));
  });
  return {
    name: opts.name,
    pid: child.pid ?? -1,
    options: opts,
    exited,
    kill: (signal) => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    },
    stop: async (graceMs = 5000) => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}
