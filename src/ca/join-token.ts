import { randomBytes, timingSafeEqual } from "node:crypto";
import { rpcError } from "../rpc/status.ts";
import { rootCADigestHex } from "./root-ca.ts";

/**
 * Join tokens as SK: ca/config.go GenerateJoinToken / ParseJoinToken (v1):
 * `SWMTKN-1-<digest>-<secret>`, digest = sha256 of the root CA bytes in base 36
 * left-padded to 50, secret = 16 random bytes in base 36 left-padded to 25.
 */
export const DIGEST_LENGTH = 50;
export const SECRET_LENGTH = 25;
export const INVALID_JOIN_TOKEN = "invalid join token";
export const JOIN_TOKEN_REQUIRED = "A valid join token is necessary to join this cluster";

export interface ParsedJoinToken {
  readonly version: 1 | 2;
  /** v2 only: the cluster mandates FIPS. */
  readonly fips: boolean;
  /** The root CA digest the token pins, as 64 hex characters. */
  readonly rootDigestHex: string;
  readonly secret: string;
}

function base36(bytes: Buffer, width: number): string {
  return BigInt(`0x${bytes.toString("hex") || "0"}`)
    .toString(36)
    .padStart(width, "0");
}

export function generateJoinToken(rootCACertificate: Buffer, random: (n: number) => Buffer = randomBytes): string {
  const digest = base36(Buffer.from(rootCADigestHex(rootCACertificate), "hex"), DIGEST_LENGTH);
  const secret = base36(Buffer.from(random(16)), SECRET_LENGTH);
  return `SWMTKN-1-${digest}-${secret}`;
}

/**
 * SwarmKit's ParseJoinToken: v1 `SWMTKN-1-<digest>-<secret>` or v2
 * `SWMTKN-2-<0|1>-<digest>-<secret>`. Anything else is the plain error
 * "invalid join token" (a Go error, not a gRPC status: moby prints it bare).
 */
export function parseJoinToken(token: string): ParsedJoinToken {
  const parts = token.split("-");
  const [prefix, version] = parts;
  const v2 = version === "2";
  const fipsPart = v2 ? parts[2] : undefined;
  const [digest, secret] = parts.slice(v2 ? 3 : 2);
  if (
    parts.length !== (v2 ? 5 : 4) ||
    prefix !== "SWMTKN" ||
    (version !== "1" && !v2) ||
    (v2 && fipsPart !== "0" && fipsPart !== "1") ||
    digest === undefined ||
    secret === undefined ||
    digest.length !== DIGEST_LENGTH ||
    secret.length !== SECRET_LENGTH ||
    !/^[0-9a-z]+$/.test(digest) ||
    !/^[0-9a-z]+$/.test(secret)
  ) {
    throw invalidJoinToken();
  }
  let n = 0n;
  for (const ch of digest) n = n * 36n + BigInt(Number.parseInt(ch, 36));
  const hex = n.toString(16).padStart(64, "0");
  if (hex.length > 64) throw invalidJoinToken();
  return { version: v2 ? 2 : 1, fips: fipsPart === "1", rootDigestHex: hex, secret };
}

const invalidJoinToken = () => rpcError("InvalidArgument", INVALID_JOIN_TOKEN, { plain: true });

function constantTimeEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a);
  const bb = Buffer.from(b);
  // Compare against itself when lengths differ so the time does not depend on where they differ.
  if (ab.length !== bb.length) {
    timingSafeEqual(ab, ab);
    return false;
  }
  return timingSafeEqual(ab, bb);
}

/**
 * Which role a presented token grants: the manager token is checked first, then
 * the worker token, both in constant time; neither → InvalidArgument
 * "A valid join token is necessary to join this cluster".
 */
export function roleForToken(token: string, tokens: { worker: string; manager: string }): "manager" | "worker" {
  const isManager = constantTimeEqual(token, tokens.manager);
  const isWorker = constantTimeEqual(token, tokens.worker);
  if (isManager) return "manager";
  if (isWorker) return "worker";
  throw rpcError("InvalidArgument", JOIN_TOKEN_REQUIRED);
}
