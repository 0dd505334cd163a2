import { statusPollBackoffMs } from "../../ca/join-retry.ts";

/** SK ca/config.go CertLowerRotationRange and CertUpperRotationRange. */
export const CERT_LOWER_ROTATION_RANGE = 0.5;
export const CERT_UPPER_ROTATION_RANGE = 0.8;
/** SK TLSRenewer: the wait when the certificate's validity cannot be read. */
export const UNREADABLE_CERTIFICATE_RETRY_MS = 5 * 60_000;

/** A certificate's validity as SwarmKit reads it: NotBefore (backdated 1 h) to NotAfter. */
export interface CertificateValidity {
  readonly notBefore: Date;
  readonly notAfter: Date;
}

/**
 * SK calculateRandomExpiry: the time from `now` until a point drawn uniformly
 * (in whole minutes, as SwarmKit counts) between 50 % and 80 % of the
 * validity, counted from NotBefore; 0 when that point has passed.
 */
export function randomRenewalDelayMs(v: CertificateValidity, now: number, random: () => number): number {
  const minutes = (v.notAfter.getTime() - v.notBefore.getTime()) / 60_000;
  const min = Math.trunc(minutes * CERT_LOWER_ROTATION_RANGE);
  const max = Math.trunc(minutes * CERT_UPPER_ROTATION_RANGE);
  const drawn = max - min < 1 ? min : min + Math.floor(random() * (max - min));
  return Math.max(0, v.notBefore.getTime() + drawn * 60_000 - now);
}

/** Why the renewer waits what it waits: the window, a backoff (failure, expired, forced), an unreadable certificate. */
export type RenewalWaitReason = "window" | "backoff" | "unreadable";

export interface RenewalWait {
  readonly ms: number;
  readonly reason: RenewalWaitReason;
}

export interface RenewalTiming {
  /** RenewTLSExponentialBackoff: base (= factor) and max. */
  readonly renewBackoffBaseMs: number;
  readonly renewBackoffMaxMs: number;
  /** The wait until a point of the certificate's own clock (the window, the unreadable fallback) is divided by this. */
  readonly certRenewalWaitDivisor: number;
}

/**
 * The decision of SK TLSRenewer.Start's loop, without timers: how long to wait
 * before the next renewal. A certificate renews at a random point of its
 * 50–80 % window (at once when the point has passed, e.g. a node restarted
 * late); a failed renewal, an expired certificate or a forced renewal not yet
 * done retries with the exponential backoff (5 s → 1 h). Time and randomness
 * come from the caller, so a test drives it.
 */
export class RenewalSchedule {
  private failures = 0;
  private forcedPending = false;

  constructor(
    private readonly timing: RenewalTiming,
    private readonly random: () => number = Math.random,
  ) {}

  /** A forced renewal (a role change) was asked for and is not done yet. */
  get forced(): boolean {
    return this.forcedPending;
  }

  /** SK Renew(): the next renewal is a forced one, retried with backoff until it succeeds. */
  force(): void {
    this.forcedPending = true;
  }

  /** The forced renewal needs no new certificate (it already carries the expected role). */
  cancelForced(): void {
    this.forcedPending = false;
  }

  succeeded(): void {
    this.failures = 0;
    this.forcedPending = false;
  }

  failed(): void {
    this.failures++;
  }

  /** The wait before the next renewal of the certificate valid over `validity` (null: unreadable), at `now`. */
  next(validity: CertificateValidity | null, now: number): RenewalWait {
    if (!validity)
      return { ms: UNREADABLE_CERTIFICATE_RETRY_MS / this.timing.certRenewalWaitDivisor, reason: "unreadable" };
    if (this.forcedPending || this.failures > 0 || validity.notAfter.getTime() < now) {
      const ms = statusPollBackoffMs(
        this.failures,
        {
          certStatusBackoffBaseMs: this.timing.renewBackoffBaseMs,
          certStatusBackoffMaxMs: this.timing.renewBackoffMaxMs,
        },
        this.random,
      );
      return { ms, reason: "backoff" };
    }
    const ms = randomRenewalDelayMs(validity, now, this.random) / this.timing.certRenewalWaitDivisor;
    return { ms, reason: "window" };
  }
}
