import type { Logger } from "pino";

/** SIGTERM or SIGINT stops the daemon once and ends the process; returns what takes the handlers off. */
export function stopOnSignals(stop: () => Promise<void>, log: Logger): () => void {
  const onSignal = (signal: NodeJS.Signals) => {
    log.info({ signal }, "shutting down");
    stop().then(
      () => process.exit(0),
      (e: unknown) => {
        log.error({ err: String(e) }, "shutdown failed");
        process.exit(1);
      },
    );
  };
  process.once("SIGTERM", onSignal);
  process.once("SIGINT", onSignal);
  return () => {
    process.off("SIGTERM", onSignal);
    process.off("SIGINT", onSignal);
  };
}
