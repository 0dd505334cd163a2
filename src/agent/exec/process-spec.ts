import { createHash } from "node:crypto";
import { hostname } from "node:os";

/**
 * What a task runs, in ContainerSpec's terms: IMAGE names the program;
 * COMMAND, when given, replaces it as a container's command replaces its
 * entrypoint (program = command[0]); ARGs follow.
 */
export interface ProcessSpec {
  image: string;
  command?: readonly string[];
  args?: readonly string[];
  /** `NAME=VALUE` entries, added to a minimal environment; a later entry wins. */
  env?: readonly string[];
  /** The working directory; "/" when empty, as a container's default. */
  dir?: string;
  /** The signal shutdown sends first (ContainerSpec.stop_signal); SIGTERM by default. */
  stopSignal?: NodeJS.Signals;
  /** How long shutdown waits before SIGKILL (ContainerSpec.stop_grace_period); 10 s by default. */
  stopGracePeriodMs?: number;
}

export const DEFAULT_STOP_SIGNAL: NodeJS.Signals = "SIGTERM";
export const DEFAULT_STOP_GRACE_PERIOD_MS = 10_000;

/** The PATH a container gets when its image sets none (moby's default for Linux). */
export const DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/** argv of the program: [program, …arguments]. */
export function argvOf(spec: ProcessSpec): string[] {
  const command = spec.command ?? [];
  const head = command.length > 0 ? command : [spec.image];
  return [...head, ...(spec.args ?? [])];
}

/** The program's environment: PATH, HOME and HOSTNAME, then the spec's entries. */
export function envOf(spec: ProcessSpec): Record<string, string> {
  const env: Record<string, string> = { PATH: DEFAULT_PATH, HOSTNAME: hostname() };
  if (process.env.HOME !== undefined) env.HOME = process.env.HOME;
  for (const entry of spec.env ?? []) {
    const eq = entry.indexOf("=");
    if (eq > 0) env[entry.slice(0, eq)] = entry.slice(eq + 1);
  }
  return env;
}

export function workdirOf(spec: ProcessSpec): string {
  return spec.dir !== undefined && spec.dir !== "" ? spec.dir : "/";
}

/** A digest of the spec, kept in the task's record: a record of another spec is not this task's process. */
export function specHash(spec: ProcessSpec): string {
  const canonical = JSON.stringify([argvOf(spec), spec.env ?? [], workdirOf(spec)]);
  return createHash("sha256").update(canonical).digest("hex").slice(0, 32);
}
