import { rpcError } from "../rpc/status.ts";

/**
 * The waits of SwarmKit's join client (SK ca/config.go DownloadRootCA,
 * ca/certificates.go RequestAndSaveNewCertificates and GetRemoteSignedCertificate),
 * each cut short when the join is cancelled (a leave, a daemon shutdown).
 */

/** SK: the root CA download and the certificate request are each tried this many times. */
export const JOIN_ATTEMPTS = 5;

/** SK returns ctx.Err() when the join's context ends during a wait. */
export const errJoinCancelled = () => rpcError("Canceled", "context canceled");

/** Resolves after `ms`; rejects with errJoinCancelled once `signal` aborts. */
export function pause(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(errJoinCancelled());
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", cancelled);
      resolve();
    };
    const cancelled = () => {
      clearTimeout(timer);
      reject(errJoinCancelled());
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener("abort", cancelled, { once: true });
  });
}

/**
 * `attempt` up to JOIN_ATTEMPTS times with `intervalMs` after each failure (the
 * last one too, as SwarmKit's loop does); the last failure is the error.
 */
export async function withJoinRetries<T>(
  attempt: () => Promise<T>,
  intervalMs: number,
  signal: AbortSignal | undefined,
  onFailure: (e: unknown) => void,
): Promise<T> {
  let last: unknown;
  for (let i = 0; i < JOIN_ATTEMPTS; i++) {
    try {
      return await attempt();
    } catch (e) {
      if (signal?.aborted) throw errJoinCancelled();
      onFailure(e);
      last = e;
    }
    await pause(intervalMs, signal);
  }
  throw last;
}

/**
 * go-events ExponentialBackoff.Proceed after `failures` failures: uniform in
 * [0, base + factor·2^(failures-1)), capped at max (SwarmKit: base = factor).
 */
export function statusPollBackoffMs(
  failures: number,
  p: { certStatusBackoffBaseMs: number; certStatusBackoffMaxMs: number },
  random: () => number = Math.random,
): number {
  if (failures <= 0) return 0;
  const bound = Math.min(p.certStatusBackoffBaseMs * (1 + 2 ** Math.min(failures - 1, 30)), p.certStatusBackoffMaxMs);
  return Math.floor(random() * bound);
}
