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
  readonly version: 1;
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

/** Throws RpcError(InvalidArgument, "invalid join token") on any malformed token. */
export function parseJoinToken(token: string): ParsedJoinToken {
  const parts = token.split("-");
  const [prefix, version, digest, secret] = parts;
  if (
    parts.length !== 4 ||
    prefix !== "SWMTKN" ||
    version !== "1" ||
    digest === undefined ||
    secret === undefined ||
    digest.length !== DIGEST_LENGTH ||
    secret.length !== SECRET_LENGTH ||
    !/^[0-9a-z]+$/.test(digest) ||
    !/^[0-9a-z]+$/.test(secret)
  ) {
    throw rpcError("InvalidArgument", INVALID_JOIN_TOKEN);
  }
  let n = 0n;
  for (const ch of digest) n = n * 36n + BigInt(Number.parseInt(ch, 36));
  const hex = n.toString(16).padStart(64, "0");
  if (hex.length > 64) throw rpcError("InvalidArgument", INVALID_JOIN_TOKEN);
  return { version: 1, rootDigestHex: hex, secret };
}

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
