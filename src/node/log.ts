import { type Logger, pino } from "pino";

/** The daemon's logger: pino on stderr, level from SWARMBUS_LOG (default info). */
export function daemonLogger(name: string): Logger {
  return pino(
    { name: "swarmbus-daemon", level: process.env.SWARMBUS_LOG ?? "info", base: { daemon: name } },
    pino.destination({ dest: 2, sync: true }),
  );
}
