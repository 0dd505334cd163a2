import type { TimingProfile } from "../config/profile.ts";
import type { Duration } from "../gen/google/protobuf/Duration.ts";

/** periodChooser.Choose (SK: manager/dispatcher/period.go): period + uniform[-eps, +eps). */
export function choosePeriodMs(profile: TimingProfile, random: () => number = Math.random): number {
  return profile.heartbeatPeriodMs - profile.heartbeatEpsilonMs + random() * 2 * profile.heartbeatEpsilonMs;
}

/** google.protobuf.Duration for a number of milliseconds. */
export function toDuration(ms: number): Required<Pick<Duration, "nanos">> & { seconds: string } {
  const totalNanos = BigInt(Math.round(ms * 1_000_000));
  return { seconds: String(totalNanos / 1_000_000_000n), nanos: Number(totalNanos % 1_000_000_000n) };
}

export function durationToMs(d: { seconds: string | number; nanos: number }): number {
  return Number(d.seconds) * 1000 + d.nanos / 1_000_000;
}
