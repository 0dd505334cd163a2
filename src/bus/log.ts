import { pino } from "pino";

/** What the bus needs from a logger (pino's shape, so a daemon passes its own pino logger). */
export interface BusLog {
  warn(obj: Record<string, unknown>, msg: string): void;
  error(obj: Record<string, unknown>, msg: string): void;
}

let fallback: BusLog | undefined;

/** A pino logger on stderr (never stdout: that belongs to the CLI's output), level `SWARMBUS_LOG_LEVEL` or warn. */
export function defaultBusLog(): BusLog {
  fallback ??= pino({ name: "bus", level: process.env.SWARMBUS_LOG_LEVEL ?? "warn" }, pino.destination(2));
  return fallback;
}
