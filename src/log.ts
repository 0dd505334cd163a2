import { type Logger, pino } from "pino";

/**
 * What a component needs from a logger: pino's shape, so a daemon passes its own
 * pino logger down and a test passes a recording or silent one.
 */
export interface Log {
  warn(obj: Record<string, unknown>, msg: string): void;
  error(obj: Record<string, unknown>, msg: string): void;
}

/** One knob for every logger of the project: SWARMBUS_LOG (pino level names). */
const level = (fallback: string): string => process.env.SWARMBUS_LOG ?? fallback;

export const silentLog: Log = { warn: () => {}, error: () => {} };

let fallback: Log | undefined;

/**
 * The logger of a component that was given none: pino on stderr (stdout belongs
 * to the CLI's output), level SWARMBUS_LOG or warn.
 */
export function defaultLog(): Log {
  fallback ??= pino({ name: "swarmbus", level: level("warn") }, pino.destination(2));
  return fallback;
}

/** The daemon's logger: pino on stderr, level SWARMBUS_LOG or info. */
export function daemonLogger(name: string): Logger {
  return pino(
    { name: "swarmbus-daemon", level: level("info"), base: { daemon: name } },
    pino.destination({ dest: 2, sync: true }),
  );
}
